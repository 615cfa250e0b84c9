package dev.rsp.core.proxy;

import dev.rsp.core.net.Endpoint;
import dev.rsp.core.net.LoopHandler;
import dev.rsp.spi.routing.Backend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
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
    /** The PROXY header still to send before anything else; null when none is (left). */
    private ByteBuffer proxyHeader;
    private boolean tcp;
    private boolean open;
    /** Begun once TCP is connected, when {@link #encrypted}; null before and for cleartext. */
    private BackendHandshake tls;

    /**
     * @param encrypted rsp speaks TLS on this connection, offering {@code alpn} ({@code http/1.1} or {@code h2})
     * @param proxyHeader written first once TCP is connected, before the TLS handshake ({@code ;send-proxy}); or null
     */
    BackendOpening(Endpoint endpoint, Backend backend, boolean encrypted, String alpn, ProxyEngine engine,
            LoopContext ctx, byte[] proxyHeader) {
        this.proxyHeader = proxyHeader == null ? null : ByteBuffer.wrap(proxyHeader);
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
        open = tcp && !encrypted && proxyHeader == null;
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
        }
        if (proxyHeader != null && !sendProxyHeader()) {
            return false;
        }
        if (!encrypted) {
            open = true;
            return true;
        }
        if (tls == null) {
            tls = BackendHandshake.begin(endpoint, backend, alpn, engine, ctx);
        }
        open = tls.advance();
        return open;
    }

    /**
     * Writes what is left of the PROXY header, straight to the socket: nothing else has been written on it yet. A
     * fresh socket's send buffer takes the whole header at once in practice; when it does not, the rest waits for
     * OP_WRITE. True once all of it is out.
     */
    private boolean sendProxyHeader() throws IOException {
        endpoint.channel().write(proxyHeader);
        if (proxyHeader.hasRemaining()) {
            endpoint.wantWrite(true);
            return false;
        }
        proxyHeader = null;
        endpoint.clearInterest();
        return true;
    }

    /** The connection closes: a handshake in progress counts as failed. */
    void closed() {
        if (tls != null) {
            tls.closed();
        }
    }
}
