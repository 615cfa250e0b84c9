package dev.rsp.routing.hosthash;

import dev.rsp.spi.routing.Decision;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the host-hash strategy, PID {@value HostHashStrategy#PID} (file {@code etc/rsp.routing.hosthash.cfg}). */
@ObjectClassDefinition(name = "rsp host-hash routing",
        description = "Sends each host to a backend chosen by weighted rendezvous hashing of the canonical host name.")
public @interface HostHashConfig {

    /**
     * How many distinct backends a decision names, best first, for retries: 1 to {@value Decision#MAX_CANDIDATES};
     * fewer when fewer backends are configured. Key {@code candidates}.
     */
    @AttributeDefinition(min = "1", max = "8",
            description = "Distinct backends per decision, most preferred first (1 to 8).")
    int candidates() default HostHashStrategy.DEFAULT_CANDIDATES;

    /**
     * Decisions each router remembers, by host (rounded up to a power of two; 0: none): a remembered host costs a
     * hash and an array read instead of one score per backend. Key {@code cache.size}.
     */
    @AttributeDefinition(min = "0", max = "4194304",
            description = "Hosts whose decision a router remembers (0 to 4194304; 0: none).")
    int cache_size() default HostHashStrategy.DEFAULT_CACHE_SIZE;
}
