package dev.rsp.core.backend;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * How backend names become answers, with the TTL the DNS gave them: {@link DnsjavaLookup} in production, a fake in
 * tests. Address literals and {@code localhost} never get here ({@link BackendResolver} answers them itself).
 *
 * <p>Contract: both methods return at once, never block and never throw; the stage completes on any thread, normally
 * (a failure is an {@link Answer.Failed}, never an exceptional completion), within the lookup timeout the
 * implementation was built with.
 */
public interface HostLookup {

    /** The A records of {@code host}, or its AAAA records when it has no A record. */
    CompletionStage<Answer> addresses(String host);

    /** The SRV records of {@code name} (e.g. {@code _http._tcp.api.internal}). */
    CompletionStage<Answer> services(String name);

    /** One lookup's outcome. */
    sealed interface Answer permits Addresses, Services, Failed {
    }

    /**
     * A name's addresses.
     *
     * @param addresses  never empty
     * @param ttlSeconds the smallest TTL of the records (0 allowed; the resolver clamps it)
     */
    record Addresses(List<InetAddress> addresses, long ttlSeconds) implements Answer {
        public Addresses {
            addresses = List.copyOf(addresses);
            if (addresses.isEmpty()) {
                throw new IllegalArgumentException("an Addresses answer has at least one address");
            }
        }
    }

    /**
     * A service's targets.
     *
     * @param targets    possibly empty: an SRV set whose only target is {@code .} says the service is not available
     * @param ttlSeconds the smallest TTL of the records
     */
    record Services(List<ServiceTarget> targets, long ttlSeconds) implements Answer {
        public Services {
            targets = List.copyOf(targets);
        }
    }

    /**
     * No usable answer: no such name, no record of the type, a server failure, a timeout.
     *
     * @param reason one line for the log, e.g. {@code no such name (NXDOMAIN)}
     */
    record Failed(String reason) implements Answer {
        public Failed {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * One SRV record (RFC 2782).
     *
     * @param target the target host without its trailing dot, lower case
     */
    record ServiceTarget(int priority, int weight, int port, String target) {
        public ServiceTarget {
            Objects.requireNonNull(target, "target");
        }
    }
}
