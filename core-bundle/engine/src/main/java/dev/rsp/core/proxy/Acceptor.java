package dev.rsp.core.proxy;

import dev.rsp.core.net.Endpoint;
import dev.rsp.core.net.LoopHandler;
import dev.rsp.spi.tls.TlsFront;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;

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

    /**
     * Binds a listening socket for {@code configured} and registers an Acceptor for it on every loop. When it cannot be
     * bound, the IOException's message names the configuration key and the address: {@code http.listen
     * 0.0.0.0:8080: Address already in use}.
     */
    static ServerSocketChannel listen(ProxyEngine engine, List<LoopContext> loops, String key,
            InetSocketAddress configured, TlsFront front) throws IOException {
        InetSocketAddress bind = new InetSocketAddress(configured.getHostString(), configured.getPort());
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(bind, 4096);
            ch.configureBlocking(false);
        } catch (IOException e) {
            ch.close();
            throw new IOException(key + " " + configured.getHostString() + ":" + configured.getPort() + ": "
                    + e.getMessage(), e);
        }
        InetSocketAddress local = (InetSocketAddress) ch.getLocalAddress();
        for (LoopContext ctx : loops) {
            ctx.loop.execute(() -> {
                try {
                    ch.register(ctx.loop.selector(), SelectionKey.OP_ACCEPT, new Acceptor(engine, ctx, ch, front));
                } catch (ClosedChannelException e) {
                    // stopped, or moved to another address, before this loop got to it: nothing to accept here
                } catch (IOException e) {
                    ProxyEngine.log.error("{}: cannot accept on {}: {}", ctx.loop.name(), local, e.toString());
                }
            });
        }
        return ch;
    }

    @Override
    public void onReady(SelectionKey key) {
        for (int i = 0; i < ACCEPTS_PER_WAKEUP; i++) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                engine.counters().count(Counter.ACCEPT_FAILED);
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
                RateAdmission.accepted(engine, remote, ep);
                ClientConnection client;
                if (front == null) {
                    Http1Connection http = new Http1Connection(engine, ctx, ep, remote, null, false, 0);
                    ep.register(ctx.loop, http, SelectionKey.OP_READ);
                    http.rearm();
                    client = http;
                } else {
                    TlsStage stage = new TlsStage(engine, ctx, ep, remote, front);
                    ep.register(ctx.loop, stage, SelectionKey.OP_READ);
                    stage.start();
                    ctx.tlsClients++;
                    client = stage;
                }
                ctx.clients.add(client);
                engine.counters().activeClients.increment();
                engine.counters().count(Counter.CONNECTIONS_ACCEPTED);
            } catch (IOException e) {
                engine.counters().count(Counter.ACCEPT_FAILED);
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
        engine.counters().count(Counter.ACCEPT_FAILED);
    }
}
