package dev.rsp.core.edge;

import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The metatype of {@code rsp.headers} ({@code etc/rsp.headers.cfg}): every key is an open-ended rule key, which
 * metatype cannot list as attributes, so the class description names their form. {@link HeaderRules} parses them.
 */
@ObjectClassDefinition(pid = "rsp.headers", name = "rsp header rules",
        description = "Request and response header rules per host pattern, keys rule.<name>.hosts (required), "
                + "rule.<name>.backends, rule.<name>.request.set.<Field>, rule.<name>.request.add.<Field>, "
                + "rule.<name>.request.remove, and the same with response; values are literal text")
public @interface HeaderRulesKeys {
}
