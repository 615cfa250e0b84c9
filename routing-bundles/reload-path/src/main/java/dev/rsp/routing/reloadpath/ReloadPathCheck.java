package dev.rsp.routing.reloadpath;

import dev.rsp.config.PidCheck;
import dev.rsp.config.Reading;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code bin/rsp check} for {@code rsp.routing.reloadpath}: the keys, then the rule as {@link PathRule} parses it. */
public final class ReloadPathCheck implements PidCheck {

    @Override
    public boolean reads(String pid) {
        return pid.equals(ReloadPathStrategy.PID);
    }

    @Override
    public void check(String pid, Map<String, String> properties, Path home, List<String> errors, List<String> warnings) {
        Reading reading = ReloadPathStrategy.SCHEMA.read(properties);
        errors.addAll(reading.errors());
        warnings.addAll(reading.warnings());
        if (reading.valid()) {
            ReloadPathConfig c = reading.as(ReloadPathConfig.class);
            if (PathRule.parse(c.path_pattern(), c.methods()) instanceof PathRule.Invalid invalid) {
                invalid.problems().forEach(p -> errors.add(pid + ": " + p.key() + " = '" + p.value() + "' rejected: " + p.reason()));
            }
        }
    }
}
