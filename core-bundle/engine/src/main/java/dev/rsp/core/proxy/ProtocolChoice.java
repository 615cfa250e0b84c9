package dev.rsp.core.proxy;

import dev.rsp.core.h2.Preface;
import java.nio.ByteBuffer;

/**
 * Which protocol a new client connection speaks, decided once on its first bytes: the TLS handshake's ALPN result,
 * else (plain, with h2c on) whether the bytes are the HTTP/2 preface. {@link Http1Connection} asks it and hands the
 * endpoint to an {@link H2Connection} when the answer is HTTP/2. Static.
 */
final class ProtocolChoice {

    enum Choice { HTTP1, HTTP2, UNSPOKEN, WAIT }

    private ProtocolChoice() {
    }

    /** After the TLS handshake: {@code h2}, {@code http/1.1} or none, else a protocol rsp does not speak. */
    static Choice alpn(String negotiated) {
        if ("h2".equals(negotiated)) {
            return Choice.HTTP2;
        }
        return negotiated == null || negotiated.isEmpty() || negotiated.equals("http/1.1") ? Choice.HTTP1
                : Choice.UNSPOKEN;
    }

    /** The first bytes of a plain connection: the whole preface, a prefix of it (read on), or anything else. */
    static Choice preface(ByteBuffer input) {
        return switch (Preface.match(input)) {
            case PREFACE -> Choice.HTTP2;
            case PREFIX -> Choice.WAIT;
            case OTHER -> Choice.HTTP1;
        };
    }
}
