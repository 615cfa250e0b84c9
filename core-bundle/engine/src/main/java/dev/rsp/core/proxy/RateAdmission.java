package dev.rsp.core.proxy;

import dev.rsp.core.net.Endpoint;
import dev.rsp.core.ratelimit.Decision;
import dev.rsp.core.ratelimit.RateLimiter;
import java.net.InetSocketAddress;

/**
 * Where the engine asks its {@link RateLimiter}: at accept for the connection rate, and for every request (an HTTP/1
 * request, each HTTP/2 stream) once its host is admitted. Refusals are counted here and answered by the exchange with
 * 429 and Retry-After. Static; loop thread only.
 *
 * <p>The client address the connection rate counts by is the connection's client address as {@link ConnectionStart}
 * settled it (the TCP peer, or the client a trusted PROXY header named), checked once that address is known: at accept,
 * or after the PROXY header. The request limits count by the request's client as {@link RealClient} settled it, which
 * from a peer in {@code forwarded.trusted} is the address its forwarding list named.
 *
 * <p>A connection over the rate is not closed at accept: it is marked, and its first request is answered 429 (HTTP/1
 * then closes, as after any of rsp's own answers; HTTP/2 drains the connection with GOAWAY), so that the client learns
 * when to come back instead of seeing a connection reset or closed without an answer. A TLS passthrough connection
 * counts toward the rate but is never refused: no answer is possible inside it.
 */
final class RateAdmission {

    private RateAdmission() {
    }

    /** The key a client connection is counted under. */
    static String clientKey(InetSocketAddress remote) {
        return remote.getAddress().getHostAddress();
    }

    /**
     * A client connection from {@code remote} (its client address) begins; when it is over its client's connection
     * rate, it is marked.
     */
    static void accepted(ProxyEngine engine, InetSocketAddress remote, Endpoint client) {
        RateLimiter limiter = engine.rateLimiter();
        if (!limiter.limitsConnections()) {
            return;
        }
        long retryAfter = limiter.admitConnection(clientKey(remote));
        if (retryAfter > 0) {
            client.rateLimited(retryAfter);
            engine.counters().count(Counter.RATELIMIT_CLIENT_CONNECTIONS);
        }
    }

    /**
     * A request for {@code host} (canonical) on {@code down} from {@code clientIp} (the client {@link RealClient}
     * settled: the connection's, or the one a trusted proxy named): {@link Decision.Pass#ADMITTED}, a held slot the exchange
     * releases when it ends, or the refusal (counted).
     */
    static Decision check(ProxyEngine engine, Downstream down, String clientIp, String host) {
        long overConnectionRate = down.takeConnectionRefusal();
        if (overConnectionRate > 0) {
            return new Decision.Refused(Decision.Reason.CLIENT_CONNECTIONS, overConnectionRate, "");
        }
        Decision d = engine.rateLimiter().admitRequest(clientIp, host);
        if (d instanceof Decision.Refused r) {
            engine.counters().count(switch (r.reason()) {
                case CLIENT_REQUESTS -> Counter.RATELIMIT_CLIENT_REQUESTS;
                case CLIENT_CONCURRENT -> Counter.RATELIMIT_CLIENT_CONCURRENT;
                case HOST_REQUESTS -> Counter.RATELIMIT_HOST_REQUESTS;
                case CLIENT_CONNECTIONS -> Counter.RATELIMIT_CLIENT_CONNECTIONS;
            });
        }
        return d;
    }

    /** The one line a refused client reads (and the access log's error): which kind of limit, never its numbers. */
    static String message(Decision.Refused r) {
        String what = switch (r.reason()) {
            case CLIENT_REQUESTS -> "too many requests from your address";
            case CLIENT_CONCURRENT -> "too many requests from your address at once";
            case CLIENT_CONNECTIONS -> "too many new connections from your address";
            case HOST_REQUESTS -> "too many requests for this site";
        };
        return what + "; retry after " + r.retryAfterSeconds() + " s";
    }
}
