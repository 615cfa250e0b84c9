package dev.rsp.tls.front;

import java.util.Locale;
import java.util.Properties;

/**
 * JSSE's own refusal of client-initiated renegotiation: the system property
 * {@code jdk.tls.rejectClientInitiatedRenegotiation}, off unless set. JSSE reads it once, when its server handshake
 * classes initialise (the first server-side handshake in the JVM), so it is decided before this bundle makes its first
 * engine: unset, it is set to {@code true}; an operator's explicit {@code false} stays (and is reported, for a WARN).
 *
 * <p>The core refuses renegotiation by itself as well (its TLS layer closes a TLS 1.2 connection whose client starts
 * a new handshake, before the engine sees it); the property covers every other server-side JSSE engine in the JVM.
 */
final class JsseRenegotiation {

    static final String PROPERTY = "jdk.tls.rejectClientInitiatedRenegotiation";

    enum Setting {
        /** The property was unset; it is now {@code true}. */
        SET_TO_REFUSE,
        /** Someone set it to {@code true} already. */
        REFUSED,
        /** The operator set it to {@code false}: JSSE allows client-initiated renegotiation. */
        ALLOWED_BY_OPERATOR,
        /** Neither true nor false, which would make every server handshake fail in JSSE: replaced by {@code true}. */
        INVALID_REPLACED
    }

    private JsseRenegotiation() {
    }

    /** Decides the property in {@code system} (the JVM's system properties, or a test's); idempotent. */
    static Setting refuseUnlessAllowed(Properties system) {
        synchronized (system) {
            String value = system.getProperty(PROPERTY);
            if (value == null) {
                system.setProperty(PROPERTY, "true");
                return Setting.SET_TO_REFUSE;
            }
            // JSSE accepts exactly true or false, in any case, and throws on anything else.
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "true" -> Setting.REFUSED;
                case "false" -> Setting.ALLOWED_BY_OPERATOR;
                default -> {
                    system.setProperty(PROPERTY, "true");
                    yield Setting.INVALID_REPLACED;
                }
            };
        }
    }
}
