package dev.rsp.spi.tls;

import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * ACME HTTP-01 answers (RFC 8555 8.3), provided by the bundle that runs the ACME client while it has challenges
 * pending. For a request to {@code /.well-known/acme-challenge/<token>} on any listener, the core asks
 * {@link #keyAuthorization}: when it answers, the core replies {@code 200} with that text as
 * {@code text/plain}, before routing, and the backend never sees the request;
 * when it does not, the request is routed as any other (a backend may run its own ACME client).
 *
 * <p>Called on the core's network threads: a map lookup, never blocking.
 *
 * @since 0.6.0
 */
@ConsumerType
public interface HttpChallenges {

    /** The path prefix the core checks; the token is the rest of the path. */
    String PATH_PREFIX = "/.well-known/acme-challenge/";

    /**
     * The key authorization for {@code token} when a challenge for {@code host} (canonical: lower case, no port) with
     * that token is pending; empty otherwise.
     */
    Optional<String> keyAuthorization(String host, String token);
}
