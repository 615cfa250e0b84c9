package dev.rsp.routing.exampleheader;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the example-header strategy, PID {@code rsp.routing.exampleheader}
 * ({@code etc/rsp.routing.exampleheader.cfg}, optional: without it the defaults below apply).
 *
 * <p>Declarative Services turns the configuration's properties into this type: a method {@code header_name()}
 * reads the property {@code header.name} ({@code _} stands for {@code .}), and its {@code default} is used when the
 * property is absent.
 */
@ObjectClassDefinition(name = "rsp example-header routing",
        description = "Routes a request to the backend named in one of its headers (an example strategy)")
public @interface HeaderRouteConfig {

    @AttributeDefinition(name = "header.name",
            description = "The request header whose value names the backend, e.g. X-Route-To")
    String header_name() default "X-Route-To";
}
