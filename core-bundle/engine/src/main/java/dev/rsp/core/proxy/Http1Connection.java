package dev.rsp.core.proxy;

import dev.rsp.core.http.HttpHead;
import dev.rsp.core.http.Rejection;
import dev.rsp.core.net.ByteSink;
import dev.rsp.core.net.ByteSource;
import dev.rsp.core.net.Endpoint;
import dev.rsp.spi.tls.Termination;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.function.Consumer;

/**
 * An HTTP/1.1 server connection: reads request heads ({@link Http1RequestHeads}; the TLS handshake runs inside those
 * reads when the listener terminates TLS, and {@link Http1Opening} decides after each read whether HTTP/1.1 goes on),
 * starts one {@link Exchange} per request and is its {@link Downstream}, answers with rsp's own replies and lingers
 * so that a reply is not reset away ({@link Http1Reply}), keeps the connection alive between requests and answers
 * pipelined requests in order (one exchange at a time: the next head is read when the previous exchange is done).
 * Its own timeouts ({@link Http1Timers}): the request head (408), idle keep-alive, the TLS handshake, the linger.
 * Loop thread only.
 */
final class Http1Connection implements ClientConnection, Downstream {

    enum State { HEAD, EXCHANGE, REPLY, LINGER, CLOSED }

    private final ProxyEngine engine;
    private final LoopContext ctx;
    private final Endpoint client;
    private final String clientIp;
    private final RequestView view;
    private final Runnable resume = this::resume;
    private final Http1Timers timers;
    private final Http1Opening opening;
    private final Http1RequestHeads heads;
    private final Http1Reply reply;
    private final HostCoverage coverage;
    private final ClientWatch watch;
    private final boolean onTlsListener;
    private State state = State.HEAD;
    private Exchange exchange;
    private boolean draining;
    /** A request head has been read on this connection: before the first, a stop waits for it (timeout.stop.new.ms). */
    private boolean requested;

    /**
     * @param termination   the TLS listener's termination when the endpoint speaks TLS (its handshake still to run),
     *                      else null
     * @param onTlsListener accepted on a TLS listener (also for plain HTTP refused there)
     * @param tlsDeadline   when the handshake must be done (0 without TLS)
     */
    Http1Connection(ProxyEngine engine, LoopContext ctx, Endpoint client, InetSocketAddress remote, Termination termination,
            boolean onTlsListener, long tlsDeadline) {
        this.engine = engine;
        this.ctx = ctx;
        this.client = client;
        this.clientIp = remote.getAddress().getHostAddress();
        this.view = new RequestView(remote);
        this.coverage = new HostCoverage(termination, client);
        this.onTlsListener = onTlsListener;
        this.timers = new Http1Timers(ctx.loop, engine.settings(), client, this, tlsDeadline);
        this.opening = new Http1Opening(engine, ctx, client, clientIp, view, termination, onTlsListener);
        this.heads = new Http1RequestHeads(engine, ctx, client, view, opening, timers);
        this.reply = new Http1Reply(engine, ctx, client);
        this.watch = new ClientWatch(client, ctx);
    }

    /** The request view of this connection (the TLS stage records the server name in it). */
    RequestView view() {
        return view;
    }

    // ---------------------------------------------------------------- readiness and timeouts

    @Override
    public void onReady(SelectionKey key) {
        timers.progress();
        switch (state) {
            case HEAD -> readHead();
            case EXCHANGE -> exchange.onClientReady(key, client.isTls());
            case REPLY -> flushReply();
            case LINGER -> linger();
            default -> client.wantRead(false);
        }
        rearm();
    }

    @Override
    public void onDeadline(long now) {
        switch (timers.expired(state, drained(), now)) {
            case HANDSHAKE -> {
                count(Counter.TLS_HANDSHAKE_TIMEOUT);
                close();
            }
            case HEAD -> {
                count(Counter.CLIENT_TIMEOUT_HEADER);
                refuse(408, "request head not received in time");
            }
            case IDLE -> {
                count(state == State.REPLY ? Counter.EXCHANGE_TIMEOUT_IDLE : Counter.CLIENT_TIMEOUT_IDLE);
                close();
            }
            case DRAINED -> {
                if (!requested) {
                    count(Counter.STOP_NEW_CLOSED);
                }
                close();
            }
            case LINGER_END -> close();
            case NONE -> { }
        }
        rearm();
    }

    /** Called at the end of every entry point. While an exchange runs, the exchange's own timers watch the client. */
    void rearm() {
        timers.rearm(state, drained());
    }

    /**
     * Draining, and nothing of a next request has arrived: the connection can close. A connection without a request
     * yet was accepted just before the stop and its client is sending one: it gets until {@code timeout.stop.new.ms}.
     */
    private boolean drained() {
        return draining && !client.hasInput() && (requested || timers.stopGraceOver(System.nanoTime()));
    }

    @Override
    public void onFailure(Throwable t) {
        count(Counter.CLIENT_INTERNAL_ERROR);
        close();
    }

    // ---------------------------------------------------------------- request heads

    /** Reads (the rest of) a request head and acts on what came of it; a TLS handshake runs inside these reads. */
    void readHead() {
        switch (heads.read()) {
            case REQUEST -> onHead();
            case REFUSE -> {
                Rejection r = heads.refusal();
                refuse(r.status(), r.reason());
            }
            case HTTP2 -> toHttp2();
            case CLOSE -> close();
            case WAIT -> { }
        }
    }

    /**
     * The client speaks HTTP/2 (ALPN h2, or the h2c preface): an {@link H2Connection} takes over the endpoint, with
     * what the client sent so far still in its input.
     */
    private void toHttp2() {
        H2Connection h2 = opening.http2();
        state = State.CLOSED;
        timers.cancel();
        ctx.handOver(client, this, h2);
        h2.start();
        if (draining) {
            h2.drain();
        }
    }

    private void onHead() {
        requested = true;
        Exchange x = new Exchange(engine, ctx, this);
        boolean keepAlive = heads.accept(x.facts(), draining);
        // Read interest stays on: turned off only if the client sends more while the exchange runs, so a plain
        // keep-alive exchange changes no interest at all.
        exchange = x;
        state = State.EXCHANGE;
        x.start(view, keepAlive);
    }

    /** A request refused before an exchange could start: logged as its own exchange, then answered. */
    void refuse(int status, String message) {
        opening.headSeen();
        Exchange x = new Exchange(engine, ctx, this);
        exchange = x;
        state = State.EXCHANGE;
        x.refuse(status, message);
    }

    // ---------------------------------------------------------------- Downstream

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
        return ConnectionAddresses.of(view.clientAddress(), client);
    }

    @Override
    public String clientIp() {
        return clientIp;
    }

    @Override
    public boolean tls() {
        return client.isTls();
    }

    @Override
    public boolean onTlsListener() {
        return onTlsListener;
    }

    @Override
    public String protocol() {
        return "HTTP/1.1";
    }

    @Override
    public boolean covers(String host) {
        return coverage.covers(host);
    }

    @Override
    public boolean encodeResponseHead(ByteBuffer source, HttpHead head, HeadWriter.ClientConnection kind, ResponseEdits edits,
            ByteBuffer out) {
        if (kind != HeadWriter.ClientConnection.CLOSE) {
            client.noDelay();   // kept alive: the next answer must not wait for this one's acknowledgement
        }
        return HeadWriter.response(source, head, kind, edits, out);
    }

    @Override
    public boolean draining() {
        return draining;
    }

    @Override
    public void watch(Exchange x, boolean requestComplete, boolean mayProbe) {
        watch.readable(x, requestComplete, mayProbe);
    }

    @Override
    public void responseBegins() {
        watch.settle();
    }

    @Override
    public void exchangeDone(boolean closeAfter) {
        exchange = null;
        watch.settle();
        if (closeAfter) {
            closeWhenFlushed();
        } else {
            nextRequest();
        }
    }

    /** Answers with rsp's own reply (the operator's page for the status, or one line of text) and closes after it. */
    @Override
    public void reply(int status, String body, long retryAfterSeconds) {
        sendReply(w -> w.start(status, body, retryAfterSeconds));
    }

    @Override
    public long takeConnectionRefusal() {
        return client.takeRateLimited();
    }

    @Override
    public void answer(LocalAnswer answer) {
        sendReply(w -> w.answer(answer));
    }

    /**
     * Starts rsp's own answer with {@code start} and sends it; when none is possible (no HTTP answer before the TLS
     * handshake completed), closes instead.
     */
    private void sendReply(Consumer<ReplyWriter> start) {
        exchange = null;
        watch.settle();
        ReplyWriter w = reply.writer();
        if (w == null) {
            close();
            return;
        }
        start.accept(w);
        state = State.REPLY;
        client.wantRead(false);
        flushReply();
    }

    @Override
    public void abort() {
        close();
    }

    // ---------------------------------------------------------------- between requests, replies, closing

    /** The exchange ended and the connection stays open: wait for (or parse the already buffered) next request. */
    private void nextRequest() {
        state = State.HEAD;
        timers.betweenRequests();
        client.wantRead(true);
        if (heads.next()) {
            ctx.loop.execute(resume);
        }
    }

    private void resume() {
        if (state == State.HEAD) {
            readHead();
            rearm();
        }
    }

    private void flushReply() {
        Pipe.Progress p = reply.flush();
        if (p == Pipe.Progress.DONE) {
            state = State.LINGER;
            timers.lingering();
            linger();
        } else if (p != Pipe.Progress.BLOCKED) {
            close();
        }
    }

    /** Lingers: drops what the client still sends, closes once it has. */
    private void linger() {
        if (reply.lingerDone()) {
            close();
        }
    }

    @Override
    public void drain() {
        if (!draining && !requested) {
            timers.stopGrace(System.nanoTime() + engine.settings().stopNewNanos());
        }
        draining = true;
        if (state == State.HEAD && drained()) {
            close();
        } else {
            rearm();
        }
    }

    /**
     * Closes after a complete response. On TLS the last records may still wait for the socket: then the output is
     * shut (close_notify after them) and the connection lingers until they are gone and the client closes.
     */
    private void closeWhenFlushed() {
        if (!reply.shutWhenFlushed()) {
            close();
            return;
        }
        state = State.LINGER;
        timers.lingering();
        linger();
    }

    @Override
    public void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        watch.stop();
        Exchange x = exchange;
        exchange = null;
        if (x != null) {
            x.abandon();
        }
        reply.release();
        client.close();
        ctx.clients.remove(this);
        if (onTlsListener) {
            ctx.tlsClients--;
        }
        timers.cancel();
        engine.counters().activeClients.give();
    }

    private void count(Counter c) {
        engine.counters().count(c);
    }

    @Override
    public String toString() {
        return "client " + clientIp + " " + state;
    }
}
