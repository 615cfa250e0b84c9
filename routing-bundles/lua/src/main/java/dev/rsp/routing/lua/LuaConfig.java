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

    @AttributeDefinition(name = "budget.instructions", description = "Lua VM instructions one route call may run")
    long budget_instructions() default Budget.DEFAULT_INSTRUCTIONS;

    @AttributeDefinition(name = "budget.bytes", description = "Bytes of strings one route call may build "
            + "(concatenation, string.rep, string.format, string.gsub, table.concat)")
    long budget_bytes() default Budget.DEFAULT_BYTES;

    @AttributeDefinition(name = "budget.depth", description = "Nested Lua calls one route call may make")
    int budget_depth() default Budget.DEFAULT_DEPTH;

    @AttributeDefinition(name = "budget.pattern.steps", description = "Steps of string.find, match, gmatch and gsub "
            + "one route call may take, together (about one per subject byte examined; backtracking multiplies them)")
    long budget_pattern_steps() default Budget.DEFAULT_PATTERN_STEPS;

    @AttributeDefinition(name = "budget.pattern.length", description = "The longest pattern string.find, match, gmatch "
            + "and gsub accept; a longer one is an error of the call")
    int budget_pattern_length() default Budget.DEFAULT_PATTERN_LENGTH;

    @AttributeDefinition(name = "watch.interval.ms", description = "How often the script file is checked for changes")
    long watch_interval_ms() default LuaRules.DEFAULT_WATCH_MS;
}
