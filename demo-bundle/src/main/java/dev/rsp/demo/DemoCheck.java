package dev.rsp.demo;

import dev.rsp.config.PidCheck;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code bin/rsp check} for {@code rsp.demo}. */
public final class DemoCheck implements PidCheck {

    @Override
    public boolean reads(String pid) {
        return pid.equals(DemoBackends.SCHEMA.pid());
    }

    @Override
    public void check(String pid, Map<String, String> properties, Path home, List<String> errors, List<String> warnings) {
        warnings.addAll(DemoBackends.SCHEMA.read(properties).warnings());
        DemoBackends.parse(properties, errors);
    }
}
