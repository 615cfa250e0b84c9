package dev.rsp.tls.acme;

import dev.rsp.spi.tls.HttpChallenges;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP-01 challenges pending (RFC 8555 8.3), as the core asks for them: registered as the {@link HttpChallenges}
 * service while the ACME component is active. Orders add and remove entries on the component's threads; the core reads
 * on its network threads (a map lookup).
 */
final class Http01Book implements HttpChallenges {

    private record Key(String host, String token) {
    }

    private final Map<Key, String> pending = new ConcurrentHashMap<>();

    void add(String host, String token, String keyAuthorization) {
        pending.put(new Key(host, token), keyAuthorization);
    }

    void remove(String host, String token) {
        pending.remove(new Key(host, token));
    }

    @Override
    public Optional<String> keyAuthorization(String host, String token) {
        if (host == null || token == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(pending.get(new Key(host, token)));
    }
}
