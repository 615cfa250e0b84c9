package dev.rsp.core;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the core, PID {@code rsp.core} ({@code etc/rsp.core.cfg}). */
@ObjectClassDefinition(name = "rsp core", description = "Listeners, loops, limits, timeouts and the routing chain")
public @interface CoreConfig {

    @AttributeDefinition(description = "Address and port of the HTTP listener")
    String http_listen() default "0.0.0.0:8080";

    @AttributeDefinition(description = "Number of selector loops; 0 means one per core")
    int loops() default 0;

    @AttributeDefinition(description = "Routing strategies by name, tried in order")
    String routing_chain() default "reload-path, host-hash";
}
