package dev.rsp.core.proxy;

import dev.rsp.core.http.ParseStatus;
import dev.rsp.core.net.Deadline;
import dev.rsp.core.net.Endpoint;
import dev.rsp.core.proxyprotocol.ProxyHeader;
import dev.rsp.core.proxyprotocol.ProxyHeaderParser;
import dev.rsp.core.proxyprotocol.ProxyHeaderRejection;
import dev.rsp.core.proxyprotocol.ProxyProtocolPolicy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.concurrent.TimeUnit;

/**
 * The first stage of a connection on a listener that requires a PROXY protocol header (HAProxy's spec), from a peer
 * the listener trusts: reads the header on the loop, across as many reads as it takes, within the policy's timeout and
 * size cap, consumes exactly its bytes, and hands the connection to the listener's protocol stage
 * ({@link ConnectionStart#afterHeader}) with the client address it names (a LOCAL header keeps the TCP peer's). What
 * followed the header in the same reads stays in the input window for that stage. A connection whose header is bad,
 * late or cut off is closed and counted ({@code proxy.reject.*}, {@code proxy.timeout}, {@code proxy.closed}); a bad
 * header also gets a log line (at most one per 10 s over all loops). Loop thread only.
 *
 * <p>Buffer ownership: the endpoint owns its input buffer; the parser only reads it in place.
 */
final class ProxyHeaderStage implements ClientConnection {

    private static final LogThrottle BAD_HEADERS = new LogThrottle(10, TimeUnit.SECONDS);

    private final ProxyEngine engine;
    private final LoopContext ctx;
    private final Endpoint client;
    private final InetSocketAddress peer;
    private final ConnectionStart start;
    private final ProxyHeaderParser parser;
    private final Deadline timer = new Deadline(this);
    private final long deadline;
    private boolean over;

    ProxyHeaderStage(ProxyEngine engine, LoopContext ctx, Endpoint client, InetSocketAddress peer, ProxyProtocolPolicy policy,
            ConnectionStart start) {
        this.engine = engine;
        this.ctx = ctx;
        this.client = client;
        this.peer = peer;
        this.start = start;
        this.parser = policy.newParser(client.input().capacity());
        this.deadline = System.nanoTime() + policy.timeoutNanos();
    }

    /** Arms the header timeout; called once the connection is registered for reading. */
    void start() {
        ctx.loop.arm(timer, deadline);
    }

    @Override
    public void onReady(SelectionKey key) {
        while (!over) {
            int n;
            try {
                n = client.read();
            } catch (IOException e) {
                end(Counter.PROXY_CLOSED);
                return;
            }
            if (client.hasInput()) {
                ParseStatus s = parser.parse(client.input());
                if (s == ParseStatus.DONE) {
                    done(parser.header());
                    return;
                }
                if (s == ParseStatus.REJECT) {
                    refuse(parser.rejection());
                    return;
                }
            }
            if (n < 0) {
                end(Counter.PROXY_CLOSED);
                return;
            }
            if (n == 0) {
                // The parser's cap is below the buffer's size, so a waiting header always has room to grow.
                client.wantRead(true);
                return;
            }
        }
    }

    private void done(ProxyHeader header) {
        InetSocketAddress address = peer;
        if (header instanceof ProxyHeader.Proxied p) {
            address = p.source();
            client.reached(p.destination());
            count(Counter.PROXY_PROXIED);
        } else {
            count(Counter.PROXY_LOCAL);
        }
        ByteBuffer in = client.input();
        in.position(in.position() + header.length());
        // What follows (a ClientHello, a request head) starts at the buffer's beginning, with the whole buffer to grow in.
        client.compactInput();
        over = true;
        ctx.loop.disarm(timer);
        start.afterHeader(this, client, address);
    }

    private void refuse(ProxyHeaderRejection r) {
        long skipped = BAD_HEADERS.permit(System.nanoTime());
        if (skipped >= 0) {
            ProxyEngine.log.warn("PROXY header from {} refused: {}; connection closed{}", peer.getAddress().getHostAddress(),
                    r.reason(), LogThrottle.more(skipped));
        }
        end(Counter.forId(r.counter()).orElse(Counter.PROXY_REJECT_SIGNATURE));
    }

    @Override
    public void onDeadline(long now) {
        if (!over && now - deadline >= 0) {
            end(Counter.PROXY_TIMEOUT);
        }
    }

    private void end(Counter c) {
        count(c);
        close();
    }

    @Override
    public void onFailure(Throwable t) {
        count(Counter.CLIENT_INTERNAL_ERROR);
        close();
    }

    /** Nothing is in progress before the header: a stop closes the connection at once. */
    @Override
    public void drain() {
        close();
    }

    @Override
    public void close() {
        if (over) {
            return;
        }
        over = true;
        ctx.loop.disarm(timer);
        client.close();
        ctx.clients.remove(this);
        engine.counters().activeClients.give();
    }

    private void count(Counter c) {
        engine.counters().count(c);
    }

    @Override
    public String toString() {
        return "client " + peer.getAddress().getHostAddress() + " (PROXY header)";
    }
}
