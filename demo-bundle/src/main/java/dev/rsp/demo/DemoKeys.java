package dev.rsp.demo;

import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The metatype of {@code rsp.demo} ({@code etc/rsp.demo.cfg}): every key is an open-ended {@code backend.<name>} key,
 * which metatype cannot list as attributes, so the class description names their form. {@link DemoBackends} reads them.
 */
@ObjectClassDefinition(pid = "rsp.demo", name = "rsp demo backends",
        description = "Demo backends started inside rsp, one per key backend.<name> = host:port; each answers every "
                + "request with its name, the Host header and the path. Not for production")
public @interface DemoKeys {
}
