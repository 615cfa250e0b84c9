package dev.rsp.routing.lua;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the lua strategy, PID {@code rsp.routing.lua} ({@code etc/rsp.routing.lua.cfg}, optional).
 * Property names are the method names with {@code _} read as {@code .}. A value that does not validate is logged
 * and the previous good configuration stays in force.
 */
@ObjectClassDefinition(name = "rsp lua routing", description = "Routing rules written in Lua, sandboxed and hot-reloaded")
public @interface LuaConfig {

    @AttributeDefinition(name = "script", description = "The rules script; a relative path is resolved against "
            + "the rsp home (system property rsp.home), else the working directory. Watched for changes")
    String script() default LuaRules.DEFAULT_SCRIPT;

    @AttributeDefinition(name = "script.text", description = "The rules text itself (e.g. from etcd); when not "
            + "empty it is used instead of the script file, which is then not watched")
    String script_text() default "";

    @AttributeDefinition(min = "100", max = "100000000", name = "budget.instructions", description = "Lua VM instructions one route call may run")
    long budget_instructions() default Budget.DEFAULT_INSTRUCTIONS;

    @AttributeDefinition(min = "1024", max = "67108864", name = "budget.bytes", description = "Bytes of strings one route call may build "
            + "(concatenation, string.rep, string.format, string.gsub, table.concat)")
    long budget_bytes() default Budget.DEFAULT_BYTES;

    @AttributeDefinition(min = "10", max = "1000", name = "budget.depth", description = "Nested Lua calls one route call may make")
    int budget_depth() default Budget.DEFAULT_DEPTH;

    @AttributeDefinition(min = "1000", max = "1000000000", name = "budget.pattern.steps", description = "Steps of string.find, match, gmatch and gsub "
            + "one route call may take, together (about one per subject byte examined; backtracking multiplies them)")
    long budget_pattern_steps() default Budget.DEFAULT_PATTERN_STEPS;

    @AttributeDefinition(min = "16", max = "65536", name = "budget.pattern.length", description = "The longest pattern string.find, match, gmatch "
            + "and gsub accept; a longer one is an error of the call")
    int budget_pattern_length() default Budget.DEFAULT_PATTERN_LENGTH;

    @AttributeDefinition(min = "50", max = "60000", name = "watch.interval.ms", description = "How often the script file is checked for changes")
    long watch_interval_ms() default LuaRules.DEFAULT_WATCH_MS;
}
