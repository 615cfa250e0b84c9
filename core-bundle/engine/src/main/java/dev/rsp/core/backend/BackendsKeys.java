package dev.rsp.core.backend;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The metatype of {@code rsp.backends} ({@code etc/rsp.backends.cfg}): its one fixed key. The backends themselves are
 * open-ended {@code backend.<name>} keys, which metatype cannot list, so the class description names their form.
 * Nothing reads configuration through this type: {@link BackendsConfig} parses the entries and
 * {@code CorePids.backendsEmptyProblem} checks {@code backends.empty}; {@code MetatypeAgreementTest} holds the three
 * to the same default and options.
 */
@ObjectClassDefinition(pid = BackendsConfig.PID, name = "rsp backends",
        description = "The backends: one key per backend, backend.<name> = host:port[;weight=N][;proto=h2][;tls[=insecure]]"
                + "[;maxconn=N][;send-proxy=v1|v2][;timeout.connect=D][;timeout.backend=D][;tries=N]; <name> is 1 to 63 "
                + "of [A-Za-z0-9._-]. Applied as one set: a set with a bad entry is refused whole")
public @interface BackendsKeys {

    @AttributeDefinition(options = {@Option(value = "refuse", label = "refuse"), @Option(value = "allow", label = "allow")},
            description = "allow: a configuration may remove every backend; refuse: a set with no backend is refused while "
                    + "rsp has backends")
    String backends_empty() default "refuse";
}
