package dev.rsp.spi.tls;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The answer of {@link TlsFront#inspect} about the bytes a connection has sent so far. */
public sealed interface Inspection {

    /**
     * Not enough bytes yet to decide; the core reads more (within the front's size and time limits).
     *
     * @param atLeast the number of bytes from the start of the connection needed before asking again (the record
     *                and handshake lengths tell), or 0 when unknown; lets the core avoid re-inspecting a hello
     *                that arrives a byte at a time
     */
    record NeedMore(int atLeast) implements Inspection {
    }

    /**
     * A complete ClientHello.
     *
     * @param serverName the SNI host name as sent (not canonicalized), empty when the hello has none
     * @param alpn       the application protocols offered, in the client's order
     * @param versions   the protocol versions offered, e.g. {@code TLSv1.3}, strongest first
     * @param signatureSchemes the TLS SignatureScheme code points of the {@code signature_algorithms} extension
     *                   (RFC 8446 4.2.3), in the client's order, GREASE left out; empty when the hello has none. A
     *                   front serving several certificates for one name picks the one the client can verify (0.6.0)
     */
    record Hello(Optional<String> serverName, List<String> alpn, List<String> versions, List<Integer> signatureSchemes)
            implements Inspection {
        public Hello {
            Objects.requireNonNull(serverName, "serverName");
            alpn = List.copyOf(alpn);
            versions = List.copyOf(versions);
            signatureSchemes = List.copyOf(signatureSchemes);
        }

        /** A hello without signature schemes (before 0.6.0). */
        public Hello(Optional<String> serverName, List<String> alpn, List<String> versions) {
            this(serverName, alpn, versions, List.of());
        }
    }

    /**
     * Not a usable ClientHello: the core counts {@code counter}, logs {@code reason} at debug level and closes the
     * connection, after answering {@code 400} with a "use https" message when {@code plainHttp} is true.
     *
     * @param counter   a stable counter name such as {@code tls.reject.not_tls}
     * @param reason    a short human-readable reason
     * @param plainHttp true when the bytes look like a plain HTTP request sent to the TLS port
     */
    record Reject(String counter, String reason, boolean plainHttp) implements Inspection {
        public Reject {
            Objects.requireNonNull(counter, "counter");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Need more, with no hint of how much. */
    Inspection NEED_MORE = new NeedMore(0);
}
