package dev.rsp.core.proxy;

import dev.rsp.core.http.HttpHead;
import dev.rsp.core.http.Rejection;
import dev.rsp.core.http.RequestHeadParser;
import dev.rsp.core.net.Endpoint;

/**
 * The request heads of one {@link Http1Connection}: reading one (the TLS handshake runs inside those reads), asking
 * {@link Http1Opening} after each read whether HTTP/1.1 goes on, counting what refuses a head or ends the connection
 * while one is awaited, starting the header timeout at a head's first byte, and setting the connection's
 * {@link RequestView} over a complete head. {@link #read} says what the connection does next; starting the exchange,
 * refusing, closing and handing over to HTTP/2 are the connection's, and so is its state. Loop thread only (its
 * connection's).
 *
 * <p>Buffer ownership: the parser is taken from the loop's spares when a head is awaited and given back while the
 * connection idles between requests ({@link #next}); it parses in place in the endpoint's input buffer, which the
 * endpoint owns.
 */
final class Http1RequestHeads {

    /** What the connection does after a read. */
    enum Next {
        /** A head is complete: {@link #accept} it, then start its exchange. */
        REQUEST,
        /** The head is refused (counted): answer {@link #refusal()}. */
        REFUSE,
        /** More bytes are needed: nothing to do until they come. */
        WAIT,
        /** The client speaks HTTP/2: hand the endpoint over to {@link Http1Opening#http2()}. */
        HTTP2,
        /** The connection ends (counted where that says something). */
        CLOSE
    }

    private static final Rejection TOO_LARGE = new Rejection(431, "request head too large",
            Counter.REJECT_HEAD_TOO_LARGE.id());

    private final ProxyEngine engine;
    private final LoopContext ctx;
    private final Endpoint client;
    private final RequestView view;
    private final Http1Opening opening;
    private final Http1Timers timers;
    private final HeadReader reader = new HeadReader();
    /** Taken from the loop's spares for a head, given back while idle between requests (0.7 KB less each); or null. */
    private RequestHeadParser parser;
    private Rejection refusal = TOO_LARGE;

    /** The parameters are the connection's, shared with it. */
    Http1RequestHeads(ProxyEngine engine, LoopContext ctx, Endpoint client, RequestView view, Http1Opening opening,
            Http1Timers timers) {
        this.engine = engine;
        this.ctx = ctx;
        this.client = client;
        this.view = view;
        this.opening = opening;
        this.timers = timers;
    }

    /** Reads (the rest of) a request head: called while the connection awaits one, on readiness or to resume. */
    Next read() {
        if (parser == null) {
            parser = ctx.takeParser(engine.settings().headLimits());
        }
        HeadReader.Outcome outcome = reader.read(client, parser);
        switch (opening.afterRead(outcome)) {
            case HTTP2 -> {
                return Next.HTTP2;
            }
            case CLOSE -> {
                return Next.CLOSE;
            }
            case WAIT -> {
                timers.headBegun();
                return Next.WAIT;
            }
            case HTTP1 -> { }
        }
        return switch (outcome) {
            case DONE -> Next.REQUEST;
            case REJECT -> {
                refusal = parser.rejection();
                engine.counters().count(refusal.counter());
                yield Next.REFUSE;
            }
            case TOO_LARGE -> {
                refusal = TOO_LARGE;
                engine.counters().count(Counter.REJECT_HEAD_TOO_LARGE);
                yield Next.REFUSE;
            }
            case WAITING -> {
                if (!client.hasInput()) {
                    client.releaseInputIfEmpty();
                } else {
                    timers.headBegun();
                }
                yield Next.WAIT;
            }
            case CLOSED -> {
                opening.countClosed();
                yield Next.CLOSE;
            }
            case FAILED -> {
                opening.countFailed(reader.failure());
                yield Next.CLOSE;
            }
        };
    }

    /** After {@link Next#REFUSE}: the status and reason to answer with. */
    Rejection refusal() {
        return refusal;
    }

    /**
     * After {@link Next#REQUEST}: the request is counted, its header timeout stopped, its access log fields put in
     * {@code facts}, the input moved past the head and the view set over it.
     *
     * @param draining the connection is draining: it closes after this request
     * @return whether the connection may stay open after this request (HTTP/1.1 unless it asked to close, HTTP/1.0
     *         only when it asked for keep-alive)
     */
    boolean accept(ExchangeFacts facts, boolean draining) {
        HttpHead head = parser.head();
        engine.counters().requests.increment();
        timers.headDone();
        opening.headSeen();
        boolean keepAlive = !draining
                && (head.versionMinor() == 1 ? !head.connectionClose() : head.connectionKeepAlive());
        if (engine.accessLogOn()) {
            facts.userAgent = head.firstValue(client.input(), "user-agent");
            facts.referer = head.firstValue(client.input(), "referer");
        }
        client.input().position(head.headEnd());
        view.set(client.input(), head, "");
        return keepAlive;
    }

    /**
     * The exchange ended and the connection stays open: true when bytes of a next (pipelined) request are buffered,
     * the parser reset for them; false when none are, the parser given back and the empty input buffer released.
     */
    boolean next() {
        if (client.hasBufferedInput()) {
            parser.reset();
            return true;
        }
        ctx.giveParser(parser);
        parser = null;
        client.releaseInputIfEmpty();
        return false;
    }
}
