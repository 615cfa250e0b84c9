package dev.rsp.core.admin;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the admin listener, PID {@code rsp.admin} ({@code etc/rsp.admin.cfg}; without it no admin). */
@ObjectClassDefinition(pid = "rsp.admin", name = "rsp admin", description = "The admin HTTP listener: metrics, status page, admin API")
public @interface AdminConfig {

    @AttributeDefinition(description = "Address and port, host:port. A non-loopback address needs a token")
    String listen() default "127.0.0.1:9090";

    @AttributeDefinition(description = "Bearer token for mutations (POST/DELETE /api/backends, PUT /api/chain); "
            + "empty turns mutations off")
    String token() default "";
}
