package dev.rsp.core.proxy;

import dev.rsp.core.net.ByteSink;
import dev.rsp.core.net.ByteSource;
import dev.rsp.core.net.Endpoint;
import dev.rsp.core.http.HttpHead;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;

/**
 * A TLS listener's connection in passthrough mode, after its ClientHello: the {@link Downstream} of its one
 * {@link Exchange}, which routes it by the server name and relays its bytes (the peeked hello first) to a backend
 * unchanged. No HTTP is spoken, so nothing is ever answered: every failure closes. Loop thread only.
 */
final class PassthroughConnection implements ClientConnection, Downstream {

    private final ProxyEngine engine;
    private final LoopContext ctx;
    private final Endpoint client;
    private final InetSocketAddress remote;
    private final String clientIp;
    private Exchange exchange;
    private boolean closed;

    PassthroughConnection(ProxyEngine engine, LoopContext ctx, Endpoint client, InetSocketAddress remote) {
        this.engine = engine;
        this.ctx = ctx;
        this.client = client;
        this.remote = remote;
        this.clientIp = remote.getAddress().getHostAddress();
    }

    /** The exchange that relays this connection; set once, before it starts. */
    Exchange exchange() {
        if (exchange == null) {
            exchange = new Exchange(engine, ctx, this);
        }
        return exchange;
    }

    @Override
    public void onReady(SelectionKey key) {
        if (exchange != null && !exchange.done()) {
            exchange.onClientReady(key, false);
        } else {
            client.wantRead(false);
        }
    }

    @Override
    public void onFailure(Throwable t) {
        engine.counters().count(Counter.CLIENT_INTERNAL_ERROR);
        close();
    }

    @Override
    public ByteSource requestSource() {
        return client;
    }

    @Override
    public ByteSink responseSink() {
        return client;
    }

    @Override
    public ConnectionAddresses addresses() {
        return ConnectionAddresses.of(remote, client);
    }

    @Override
    public String clientIp() {
        return clientIp;
    }

    @Override
    public boolean tls() {
        return false;
    }

    @Override
    public boolean onTlsListener() {
        return true;
    }

    @Override
    public String protocol() {
        return "-";
    }

    @Override
    public boolean covers(String host) {
        return true;
    }

    /** A relayed TLS stream has no HTTP response head. */
    @Override
    public boolean encodeResponseHead(ByteBuffer source, HttpHead head, HeadWriter.ClientConnection kind, ResponseEdits edits,
            ByteBuffer out) {
        return false;
    }

    @Override
    public boolean draining() {
        return true;
    }

    @Override
    public void exchangeDone(boolean closeAfter) {
        close();
    }

    @Override
    public void reply(int status, String body, long retryAfterSeconds) {
        close();
    }

    /** Not asked: a passthrough exchange is never rate limited (no HTTP answer is possible inside it). */
    @Override
    public long takeConnectionRefusal() {
        return 0;
    }

    @Override
    public void answer(LocalAnswer answer) {
        close();
    }

    @Override
    public void abort() {
        close();
    }

    /** A relayed stream has no request boundary to stop at: it runs until one side closes, or the stop cuts it. */
    @Override
    public void drain() {
        if (exchange == null) {
            close();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (exchange != null) {
            exchange.abandon();
        }
        client.close();
        ctx.clients.remove(this);
        ctx.tlsClients--;
        engine.counters().activeClients.give();
    }

    @Override
    public String toString() {
        return "passthrough client " + clientIp;
    }
}
