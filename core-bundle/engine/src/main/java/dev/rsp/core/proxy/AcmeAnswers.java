package dev.rsp.core.proxy;

import dev.rsp.spi.tls.HttpChallenges;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * ACME HTTP-01 (RFC 8555 8.3) before routing: a {@code GET /.well-known/acme-challenge/<token>} for a challenge rsp's
 * own ACME client has pending is answered with the key authorization as {@code text/plain}; any other request under
 * that path (a backend's own ACME client) is routed as usual. Loop thread; a map lookup in the client.
 */
final class AcmeAnswers {

    private AcmeAnswers() {
    }

    /** The answer for {@code request} to the canonical {@code host}, or empty (route it). */
    static Optional<LocalAnswer> forRequest(HttpChallenges challenges, ExchangeRequest request, String host) {
        if (challenges == null || !request.path().startsWith(HttpChallenges.PATH_PREFIX) || !request.method().equals("GET")) {
            return Optional.empty();
        }
        String token = request.path().substring(HttpChallenges.PATH_PREFIX.length());
        Optional<String> keyAuthorization;
        try {
            keyAuthorization = challenges.keyAuthorization(host, token);
        } catch (RuntimeException e) {
            ProxyEngine.log.warn("the ACME client failed to look up an HTTP-01 challenge for {}: {}", host, e.toString());
            return Optional.empty();
        }
        return keyAuthorization.map(k -> new LocalAnswer(200, "text/plain", k.getBytes(StandardCharsets.US_ASCII)));
    }
}
