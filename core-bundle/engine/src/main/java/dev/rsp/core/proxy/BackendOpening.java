package dev.rsp.core.proxy;

import dev.rsp.core.net.Endpoint;
import dev.rsp.core.net.LoopHandler;
import dev.rsp.spi.routing.Backend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;

/**
 * How a connection to a backend opens, on its endpoint: the non-blocking TCP connect, then, when rsp speaks TLS on it
 * (a {@code ;tls} backend), the handshake ({@link BackendHandshake}). Shared by {@link BackendSide} and
 * {@link H2BackendConnection}, which call {@link #advance} once after {@link #connect} and then on every readiness until
 * it says the connection is open; nothing may be written before. Loop thread only.
 */
final class BackendOpening {

    private final Endpoint endpoint;
    private final Backend backend;
    private final boolean encrypted;
    private final String alpn;
    private final ProxyEngine engine;
    private final LoopContext ctx;
    private boolean tcp;
    private boolean open;
    /** Begun once TCP is connected, when {@link #encrypted}; null before and for cleartext. */
    private BackendHandshake tls;

    /**
     * @param encrypted rsp speaks TLS on this connection, offering {@code alpn} ({@code http/1.1} or {@code h2})
     */
    BackendOpening(Endpoint endpoint, Backend backend, boolean encrypted, String alpn, ProxyEngine engine,
            LoopContext ctx) {
        this.endpoint = endpoint;
        this.backend = backend;
        this.encrypted = encrypted;
        this.alpn = alpn;
        this.engine = engine;
        this.ctx = ctx;
    }

    /**
     * Starts connecting the endpoint's channel (non-blocking, the address resolved) and registers it for
     * {@code handler}, waiting for OP_CONNECT unless TCP connected at once.
     */
    void connect(InetSocketAddress address, LoopHandler handler) throws IOException {
        tcp = endpoint.channel().connect(address);
        open = tcp && !encrypted;
        endpoint.register(ctx.loop, handler, tcp ? 0 : SelectionKey.OP_CONNECT);
    }

    /** True once TCP is connected and the TLS handshake, if any, completed with the protocol agreed. */
    boolean open() {
        return open;
    }

    /**
     * Completes what is pending with what the socket has: the TCP connect, then begins or drives the TLS handshake.
     *
     * @return true once open
     * @throws IOException when the connect failed; {@link BackendHandshake.Failed} (counted, logged) when the
     *                     handshake did
     */
    boolean advance() throws IOException {
        if (open) {
            return true;
        }
        if (!tcp) {
            if (!endpoint.channel().finishConnect()) {
                return false;
            }
            tcp = true;
            endpoint.clearInterest();
            if (!encrypted) {
                open = true;
                return true;
            }
        }
        if (tls == null) {
            tls = BackendHandshake.begin(endpoint, backend, alpn, engine, ctx);
        }
        open = tls.advance();
        return open;
    }

    /** The connection closes: a handshake in progress counts as failed. */
    void closed() {
        if (tls != null) {
            tls.closed();
        }
    }
}
