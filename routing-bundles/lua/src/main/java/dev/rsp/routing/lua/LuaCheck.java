package dev.rsp.routing.lua;

import dev.rsp.config.PidCheck;
import dev.rsp.config.Reading;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code bin/rsp check} for {@code rsp.routing.lua}: the keys, the budgets, and the script compiles and defines route. */
public final class LuaCheck implements PidCheck {

    @Override
    public boolean reads(String pid) {
        return pid.equals(LuaRules.PID);
    }

    @Override
    public void check(String pid, Map<String, String> properties, Path home, List<String> errors, List<String> warnings) {
        Reading reading = LuaStrategy.SCHEMA.read(properties);
        errors.addAll(reading.errors());
        warnings.addAll(reading.warnings());
        if (!reading.valid()) {
            return;
        }
        LuaConfig c = reading.as(LuaConfig.class);
        Budget budget = Budget.of(c);
        String problem = budget.problem();
        if (problem != null) {
            errors.add(pid + ": " + problem);
            return;
        }
        if (!c.script_text().isBlank()) {
            if (CompiledScript.compile(c.script_text(), LuaRules.TEXT_NAME, budget) instanceof CompiledScript.Failed f) {
                errors.add(pid + ": " + f.message());
            }
            return;
        }
        Path script = LuaRules.resolve(c.script());
        String source;
        try {
            source = Files.readString(script, StandardCharsets.UTF_8);
        } catch (IOException e) {
            errors.add(pid + ": script = '" + c.script() + "': cannot read " + script + " (" + e + ")");
            return;
        }
        if (CompiledScript.compile(source, script.toString(), budget) instanceof CompiledScript.Failed f) {
            errors.add(pid + ": " + f.message());
        }
    }
}
