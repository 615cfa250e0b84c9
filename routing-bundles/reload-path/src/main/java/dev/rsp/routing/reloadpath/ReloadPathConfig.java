package dev.rsp.routing.reloadpath;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the reload-path strategy, PID {@code rsp.routing.reloadpath}
 * ({@code etc/rsp.routing.reloadpath.cfg}, optional). Property names are the method names with {@code _} read as
 * {@code .}. A value that does not validate is logged and the previous good configuration stays in force.
 */
@ObjectClassDefinition(name = "rsp reload-path routing",
        description = "Routes admin URLs that name a domain in their path to the backend serving that domain")
public @interface ReloadPathConfig {

    @AttributeDefinition(name = "path.pattern", description = "Java regular expression matched against the whole "
            + "request path (no query, not percent-decoded) with a named group 'domain'; at most 512 characters. "
            + "Prefer .* to repeated groups such as (?:[^/]+/)*, which overflow the stack on long paths")
    String path_pattern() default PathRule.DEFAULT_PATTERN;

    @AttributeDefinition(name = "methods", description = "Request methods the strategy considers, e.g. POST; "
            + "several separated by commas. Empty: every method")
    String[] methods() default {};
}
