package dev.rsp.tls.front;

import dev.rsp.spi.tls.Inspection;
import dev.rsp.tls.hello.ClientHello;
import dev.rsp.tls.hello.ClientHelloParser;
import dev.rsp.tls.hello.Rejection;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link dev.rsp.spi.tls.TlsFront#inspect} over {@link ClientHelloParser}. Stateless: the front is shared by all
 * connections and is given every byte from the start of the connection each time, so each call parses afresh; the
 * {@link Inspection.NeedMore#atLeast()} it returns keeps the core from calling again before a decision is possible.
 * Runs on the core's network threads: never throws, never changes the caller's buffer, allocates only small objects
 * (and one copy of a complete ClientHello body).
 */
final class HelloInspector {

    private HelloInspector() {
    }

    static Inspection inspect(ByteBuffer received, int maxBytes) {
        try {
            ClientHelloParser parser = new ClientHelloParser(maxBytes);
            ByteBuffer view = received.duplicate();
            return switch (parser.parse(view)) {
                case DONE -> hello(parser.hello());
                case REJECT -> reject(parser.rejection());
                case NEED_MORE -> new Inspection.NeedMore(parser.bytesWanted());
            };
        } catch (RuntimeException e) {
            // A parser bug must not take a network thread down: close this connection and count it.
            return new Inspection.Reject(Rejection.Reason.BAD_HANDSHAKE.counter(),
                    "inspection failed: " + e.getClass().getSimpleName(), false);
        }
    }

    private static Inspection reject(Rejection r) {
        return new Inspection.Reject(r.reason().counter(), r.detail(), r.reason() == Rejection.Reason.PLAIN_HTTP);
    }

    private static Inspection.Hello hello(ClientHello h) {
        List<Integer> offered = new ArrayList<>(h.supportedVersions());
        offered.sort((a, b) -> Integer.compare(b, a));
        List<String> versions = new ArrayList<>();
        for (int v : offered) {
            versionName(v).filter(n -> !versions.contains(n)).ifPresent(versions::add);
        }
        return new Inspection.Hello(h.serverName(), h.alpn(), versions, h.signatureSchemes());
    }

    /** The JSSE name of a protocol version; empty for GREASE (RFC 8701) and unknown values. */
    static Optional<String> versionName(int version) {
        return switch (version) {
            case 0x0304 -> Optional.of("TLSv1.3");
            case 0x0303 -> Optional.of("TLSv1.2");
            case 0x0302 -> Optional.of("TLSv1.1");
            case 0x0301 -> Optional.of("TLSv1");
            case 0x0300 -> Optional.of("SSLv3");
            default -> Optional.empty();
        };
    }
}
