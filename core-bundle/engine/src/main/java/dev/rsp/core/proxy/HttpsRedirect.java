package dev.rsp.core.proxy;

import dev.rsp.core.edge.HostPatterns;
import dev.rsp.spi.tls.HttpChallenges;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The redirect of plain HTTP requests to HTTPS ({@code redirect.https}, {@code redirect.https.status},
 * {@code redirect.https.port}): a request that came without TLS, for a host the patterns name, is answered
 * {@code status} with {@code Location: https://<host>[:port]<path and query>} instead of being routed, as nginx's
 * {@code return 301 https://$host$request_uri} and HAProxy's {@code redirect scheme https} do. The host is the
 * request's canonical host (never a value taken as sent), so the Location cannot carry anything but a checked name.
 * Never redirected: an ACME HTTP-01 challenge ({@code /.well-known/acme-challenge/}, which certificate authorities
 * fetch over plain HTTP, whoever answers it) and {@code OPTIONS *}. Off by default (no host named). Immutable.
 *
 * @param port the port in the Location: the TLS listener's public port (443, left out of the URL; another when
 *             clients reach rsp's TLS listener on another port, e.g. 8443 or a port mapping)
 */
record HttpsRedirect(HostPatterns hosts, int status, int port) {

    static final HttpsRedirect OFF = new HttpsRedirect(HostPatterns.NONE, 301, 443);

    /** Reads the three keys of {@code rsp.core}; problems are added to {@code errors}. */
    static HttpsRedirect parse(String hostList, int status, int port, List<String> errors) {
        HostPatterns hosts = HostPatterns.parse("redirect.https", hostList, errors);
        if (status != 301 && status != 308) {
            errors.add("redirect.https.status must be 301 (browsers may turn a POST into a GET) or 308 (the method and "
                    + "body are kept), not " + status);
        }
        if (port < 1 || port > 65_535) {
            errors.add("redirect.https.port must be 1 to 65535, not " + port);
        }
        return new HttpsRedirect(hosts, status, port);
    }

    /**
     * The redirect for a request to the canonical {@code host} with origin-form {@code target}, or null when it is
     * served as usual: it came over TLS, its host is not named, or it is an ACME challenge or {@code OPTIONS *}.
     * Allocates only for a redirect.
     */
    LocalAnswer answer(boolean tls, String host, String target) {
        if (tls || !hosts.matches(host) || !target.startsWith("/") || target.startsWith(HttpChallenges.PATH_PREFIX)) {
            return null;
        }
        String location = "https://" + host + (port == 443 ? "" : ":" + port) + target;
        byte[] body = ("rsp: moved to " + location + "\n").getBytes(StandardCharsets.ISO_8859_1);
        return new LocalAnswer(status, "text/plain; charset=utf-8", body, location);
    }
}
