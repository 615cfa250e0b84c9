package dev.rsp.config;

import java.util.Optional;

/** The listener address form, {@code host:port} (IPv6 in brackets), checked without resolving the host. */
final class Addresses {

    private Addresses() {
    }

    /** What is wrong with {@code value}, or empty when it is a well-formed address. */
    static Optional<String> problem(String value) {
        String v = value.strip();
        int colon = v.lastIndexOf(':');
        if (colon <= 0 || colon == v.length() - 1) {
            return Optional.of("host:port, e.g. 127.0.0.1:8080");
        }
        String host = v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            return Optional.of("host:port with an IPv6 address in brackets, e.g. [::1]:8080");
        }
        String port = v.substring(colon + 1);
        if (!port.chars().allMatch(Character::isDigit) || port.length() > 5 || Integer.parseInt(port) > 65535) {
            return Optional.of("host:port with a port from 0 to 65535");
        }
        if (host.isEmpty() || !host.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == ':' || c == '-'))) {
            return Optional.of("host:port with a host name or IP address");
        }
        return Optional.empty();
    }
}
