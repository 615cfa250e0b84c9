package dev.rsp.core.admin;

import dev.rsp.config.Addresses;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The admin listener's validated settings. A listen address that is not loopback is refused unless a token is set,
 * so that an admin API without authentication is never reachable from another machine.
 */
record AdminSettings(InetSocketAddress listen, Optional<String> token) {

    static final int MIN_TOKEN_LENGTH = 16;

    /** The settings, or the reason they are refused. Resolves the host name, so call it off the network threads. */
    sealed interface Parsed permits Valid, Invalid {
    }

    record Valid(AdminSettings settings) implements Parsed {
    }

    record Invalid(String reason) implements Parsed {
    }

    static Parsed from(String listen, String token) {
        String t = token == null ? "" : token.trim();
        if (!t.isEmpty() && (t.length() < MIN_TOKEN_LENGTH || !t.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            return new Invalid("token must be at least " + MIN_TOKEN_LENGTH + " printable ASCII characters without spaces");
        }
        String l = listen == null ? "" : listen.trim();
        Addresses.Parsed parsed = Addresses.parse(l, Addresses.Ports.LISTEN);
        if (parsed instanceof Addresses.Refused refused) {
            return new Invalid("listen = '" + l + "': " + refused.reason());
        }
        String host = ((Addresses.Address) parsed).host();
        int port = ((Addresses.Address) parsed).port();
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return new Invalid("listen host cannot be resolved: " + host);
        }
        if (!address.isLoopbackAddress() && t.isEmpty()) {
            return new Invalid("listen = " + l + " is not a loopback address; refusing to serve the admin API there "
                    + "without a token (set token in etc/rsp.admin.cfg, or listen on 127.0.0.1)");
        }
        return new Valid(new AdminSettings(new InetSocketAddress(address, port), t.isEmpty() ? Optional.empty() : Optional.of(t)));
    }

    /** Whether {@code authorization} (an Authorization header, may be null) carries this token; constant time. */
    boolean authorizes(String authorization) {
        if (token.isEmpty() || authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(sha256(given), sha256(token.get().getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
