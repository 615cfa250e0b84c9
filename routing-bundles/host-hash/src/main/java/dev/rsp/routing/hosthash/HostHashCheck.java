package dev.rsp.routing.hosthash;

import dev.rsp.config.PidCheck;
import dev.rsp.config.Reading;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code bin/rsp check} for {@code rsp.routing.hosthash}. */
public final class HostHashCheck implements PidCheck {

    @Override
    public boolean reads(String pid) {
        return pid.equals(HostHashStrategy.PID);
    }

    @Override
    public void check(String pid, Map<String, String> properties, Path home, List<String> errors, List<String> warnings) {
        Reading reading = HostHashStrategy.SCHEMA.read(properties);
        warnings.addAll(reading.warnings());
        errors.addAll(HostHashStrategy.check(reading));
    }
}
