package dev.rsp.core.proxy;

import dev.rsp.core.net.Endpoint;
import dev.rsp.core.net.LoopHandler;
import dev.rsp.spi.tls.TlsFront;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Accepts client connections for one loop. Every loop registers the same listening socket; whichever wakes first
 * accepts, which spreads connections over the loops without handing sockets between threads.
 */
final class Acceptor implements LoopHandler {

    static final int ACCEPTS_PER_WAKEUP = 64;

    private final ProxyEngine engine;
    private final LoopContext ctx;
    private final ServerSocketChannel server;
    private final TlsFront front;

    /** @param front the TLS front of a TLS listener, or null for the HTTP listener */
    Acceptor(ProxyEngine engine, LoopContext ctx, ServerSocketChannel server, TlsFront front) {
        this.engine = engine;
        this.ctx = ctx;
        this.server = server;
        this.front = front;
    }

    @Override
    public void onReady(SelectionKey key) {
        for (int i = 0; i < ACCEPTS_PER_WAKEUP; i++) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                engine.counters().count("accept.failed");
                ProxyEngine.log.warn("accept failed on {}: {}", engine.localAddress(), e.toString());
                return;
            }
            if (ch == null) {
                return;
            }
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                InetSocketAddress remote = (InetSocketAddress) ch.getRemoteAddress();
                Endpoint ep = new Endpoint(ch, ctx.loop.buffers());
                ClientSide client = new ClientSide(engine, ctx, ep, remote, front);
                ep.register(ctx.loop, client, SelectionKey.OP_READ);
                ctx.loop.track(client);
                ctx.clients.add(client);
                engine.counters().activeClients.increment();
                engine.counters().count("connections.accepted");
            } catch (IOException e) {
                engine.counters().count("accept.failed");
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already gone
                }
            }
        }
    }

    @Override
    public void onFailure(Throwable t) {
        engine.counters().count("accept.failed");
    }
}
