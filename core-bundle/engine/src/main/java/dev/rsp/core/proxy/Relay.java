package dev.rsp.core.proxy;

import dev.rsp.core.http.HttpHead;
import dev.rsp.core.http.Rejection;
import dev.rsp.core.http.ResponseHeadParser;
import dev.rsp.core.net.MessageChannel;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;

/**
 * The data path of one {@link Exchange}: the request piped up (head, then body as framed), the response head read
 * and rewritten (1xx relayed, 101 checked), the response piped down, and after a 101 (or for TLS passthrough) the
 * two pipes as a raw tunnel. What each outcome means for the exchange's life (retry, 502, done) is the exchange's to
 * decide; the relay reports to it. Loop thread only.
 *
 * <p>Buffer ownership: the relay owns the response head buffer and its two pipes (taken from the loop, given back in
 * {@link #release}).
 */
final class Relay {

    private final Exchange x;
    private final ProxyEngine engine;
    private final LoopContext ctx;
    private final Downstream down;
    private final Upstream upstream;
    private final ExchangeFacts facts;
    private final HeadReader heads = new HeadReader();
    private final Pipe requestPipe;
    private final Pipe responsePipe;
    private ByteBuffer responseHead;
    private final CompressionStage compression = new CompressionStage();

    Relay(Exchange x, ProxyEngine engine, LoopContext ctx, Downstream down, Upstream upstream, ExchangeFacts facts) {
        this.x = x;
        this.engine = engine;
        this.ctx = ctx;
        this.down = down;
        this.upstream = upstream;
        this.facts = facts;
        this.requestPipe = ctx.takePipe(engine);
        this.responsePipe = ctx.takePipe(engine);
    }

    /** Starts sending the request: {@code head} (written by the upstream), then the body from the client. */
    void sendRequest(ByteBuffer head) {
        requestPipe.start(down.requestSource(), upstream.backend().channel(), head, facts.requestFraming, facts.requestLength);
        requestPipe.limitPayload(facts.bodyLimit);
        pumpUp();
    }

    /** Request body bytes sent to the backend (in a tunnel: bytes client to backend). */
    long bytesUp() {
        return requestPipe.bodyBytes();
    }

    /** Response body bytes sent to the client (in a tunnel: bytes backend to client). */
    long bytesDown() {
        return responsePipe.bodyBytes();
    }

    /** Gives back the pipes and the response head buffer; the relay is not used again. */
    void release() {
        requestPipe.abort();
        responsePipe.abort();
        compression.close();
        ctx.givePipe(requestPipe);
        ctx.givePipe(responsePipe);
        if (responseHead != null) {
            ctx.loop.buffers().release(responseHead);
            responseHead = null;
        }
    }

    /**
     * Readiness of the client connection ({@code tls}: records may wait where the selector cannot see them). The
     * response is pumped whenever the client may take bytes; the request only while the exchange is relaying (asked
     * after the response's pump, which may have ended it) and its pipe is active. Bytes after a finished request (pipelined, or the close) are left until the exchange is over.
     */
    void clientReady(SelectionKey key, boolean tls) {
        if (tls || key.isWritable()) {
            pumpDown();
        }
        if (x.done() || !key.isValid() || !(tls || key.isReadable())) {
            return;
        }
        if (x.relaying() && requestPipe.active()) {
            pumpUp();
        } else if (x.state() == Exchange.State.TUNNEL) {
            down.requestSource().wantRead(false);
        } else {
            down.watch(x, requestComplete(), !facts.http10 && !facts.interim && !facts.responseStarted && !responsePipe.active());
        }
    }

    /** Every byte of the request is in: sent, or without a body, or (by length) already in the client's window. */
    private boolean requestComplete() {
        return facts.requestSent || facts.requestFraming == Pipe.Framing.NONE
                || facts.requestFraming == Pipe.Framing.LENGTH && !requestPipe.active()
                        && down.requestSource().inputAvailable() >= facts.requestLength;
    }

    /** A multiplexed downstream (an HTTP/2 stream) can take response bytes or has request bytes: both pipes run. */
    void downstreamReady() {
        pumpDown();
        if (x.relaying() && requestPipe.active()) {
            pumpUp();
        }
    }

    /** Readiness of backend connection {@code b} once connected: the request pumped, the response head or body read. */
    void backendReady(BackendSide b, SelectionKey key) {
        if (key.isWritable()) {
            pumpUp();
        }
        // Pumping the request may have dropped the connection (it broke): then nothing is read from it.
        if (x.relaying() && key.isValid() && key.isReadable() && b == upstream.backend()) {
            if (x.state() == Exchange.State.EXCHANGE && !facts.responseHeadSeen && !facts.interim) {
                readResponseHead();
            } else {
                pumpDown();
            }
        }
    }

    /** A multiplexed backend stream has bytes for the response or room for the request: both pipes run. */
    void backendStreamReady() {
        pumpUp();
        if (x.relaying()) {
            if (x.state() == Exchange.State.EXCHANGE && !facts.responseHeadSeen && !facts.interim) {
                readResponseHead();
            } else {
                pumpDown();
            }
        }
    }

    /** The request pipe is no longer needed (the backend answered before the body was through). */
    private void abandonRequest() {
        requestPipe.abort();
    }

    /**
     * The response is through: if the request is not (the backend answered early) neither side is reused; the outcome
     * is recorded, the backend connection goes back to the pool or is closed, and the exchange finishes.
     */
    private void completeIfDone() {
        if (!facts.responseDone) {
            return;
        }
        if (!facts.requestSent) {
            // The backend answered before the request body was through: neither side can be reused.
            facts.closeAfter = true;
            facts.backendReusable = false;
            abandonRequest();
        }
        if (facts.backendReusable && facts.bodyMayBeUnread) {
            facts.backendReusable = false;
            x.count(Counter.BACKEND_NOT_REUSED_UNREAD_BODY);
        }
        x.record();
        upstream.finish(facts.backendReusable);
        x.finish(facts.closeAfter);
    }

    void pumpUp() {
        if (!requestPipe.active()) {
            return;
        }
        switch (requestPipe.pump()) {
            case DONE -> {
                facts.requestSent = true;
                if (x.state() == Exchange.State.TUNNEL) {
                    upstream.backend().channel().shutdownOutput();
                    endTunnelIfDone();
                } else {
                    completeIfDone();
                }
            }
            case REJECT -> {
                Rejection r = requestPipe.rejection();
                engine.counters().count(r.counter());
                upstream.drop();
                x.fail(r.status(), r.reason());
            }
            case TRUNCATED -> {
                x.count(Counter.CLIENT_CLOSED_MID_REQUEST);
                x.abort();
            }
            case SOURCE_FAILED -> {
                x.count(requestPipe.failure() instanceof dev.rsp.core.net.TlsRenegotiationRefused
                        ? Counter.TLS_RENEGOTIATION_REFUSED : Counter.CLIENT_CLOSED_MID_REQUEST);
                x.abort();
            }
            case SINK_FAILED -> x.backendBroke("write failed: " + Upstream.reason(requestPipe.failure()));
            case OVER_LIMIT -> {
                // A body without a Content-Length (chunked, or HTTP/2 DATA) passed its limit while streamed: the
                // backend has at most a truncated request, and its connection goes; 413 unless a response began
                // (then fail cuts the client side).
                x.count(Counter.REQUEST_BODY_TOO_LARGE);
                upstream.drop();
                x.fail(413, "the request body is larger than " + facts.bodyLimit + " bytes, this site's limit");
            }
            default -> { }
        }
    }

    void readResponseHead() {
        BackendLink backend = upstream.backend();
        ResponseHeadParser rp = backend.parser();
        switch (heads.read(backend.channel(), rp)) {
            case DONE -> onResponseHead(rp.head());
            case REJECT -> {
                engine.counters().count(rp.rejection().counter());
                String name = backend.backend().name();
                engine.health().recordFailure(name, "invalid response: " + rp.rejection().reason());
                upstream.drop();
                x.fail(502, "invalid response from backend " + name + ": " + rp.rejection().reason());
            }
            case TOO_LARGE -> {
                x.count(Counter.BACKEND_HEAD_TOO_LARGE);
                String name = backend.backend().name();
                upstream.drop();
                x.fail(502, "response head from backend " + name + " too large");
            }
            case CLOSED -> x.backendBroke("closed the connection before answering");
            case FAILED -> x.backendBroke("read failed: " + Upstream.reason(heads.failure()));
            case WAITING -> { }
        }
    }

    private void onResponseHead(HttpHead rh) {
        if (facts.firstByteAt == 0) {
            facts.firstByteAt = System.nanoTime();
        }
        down.responseBegins();
        BackendLink backend = upstream.backend();
        MessageChannel be = backend.channel();
        int status = rh.status();
        if (responseHead == null) {
            responseHead = ctx.loop.buffers().acquire();
        }
        if (status < 200 && status != 101) {
            down.encodeResponseHead(be.input(), rh, HeadWriter.ClientConnection.INTERIM, null, responseHead);
            be.input().position(rh.headEnd());
            backend.parser().reset();
            facts.interim = true;
            responsePipe.start(null, down.responseSink(), responseHead, Pipe.Framing.NONE, 0);
            pumpDown();
            return;
        }
        facts.responseHeadSeen = true;
        facts.status = status;
        engine.health().recordResponse(backend.backend().name(), status);
        facts.upgraded = status == 101;
        if (facts.upgraded && !UpgradePolicy.accepts(facts.upgradeOffered, rh.upgrade())) {
            // A tunnel nobody asked for (or to a protocol not offered) would carry the client's later requests past
            // routing: the backend connection is closed, never pooled, and the client gets a 502.
            x.count(Counter.BACKEND_UNASKED_UPGRADE);
            upstream.drop();
            x.fail(502, "backend switched protocols without being asked");
            return;
        }
        ResponseFraming body = ResponseFraming.of(facts.method, rh, facts.upgraded);
        Pipe.Framing framing = body.framing();
        facts.closeAfter = !facts.keepAlive || down.draining() || framing == Pipe.Framing.UNTIL_CLOSE;
        facts.backendReusable = framing != Pipe.Framing.UNTIL_CLOSE && !rh.connectionClose() && rh.versionMinor() == 1
                && !facts.upgraded && !facts.http10;
        HeadWriter.ClientConnection cc = facts.upgraded ? HeadWriter.ClientConnection.UPGRADE
                : facts.closeAfter ? HeadWriter.ClientConnection.CLOSE
                : facts.http10 ? HeadWriter.ClientConnection.KEEP_ALIVE_10 : HeadWriter.ClientConnection.KEEP_ALIVE_11;
        ResponseEdits edits = ctx.responseEdits(engine.counters()).prepare(engine, facts.https, facts.host, facts.forwardedHost,
                backend.backend(), be.input(), rh);
        edits = compression.plan(engine, ctx, facts, be.input(), rh, body, edits);
        if (!down.encodeResponseHead(be.input(), rh, cc, edits, responseHead)) {
            x.count(Counter.BACKEND_HEAD_TOO_LARGE);
            upstream.drop();
            x.fail(502, "response head too large once rewritten");
            return;
        }
        be.input().position(rh.headEnd());
        facts.responseStarted = true;
        engine.counters().response(status);
        responsePipe.start(compression.source(engine, ctx, be, body, this::pumpDown), down.responseSink(), responseHead,
                compression.compresses() ? Pipe.Framing.CHUNKED : framing, body.length());
        pumpDown();
    }

    void pumpDown() {
        if (!responsePipe.active()) {
            return;
        }
        switch (responsePipe.pump()) {
            case DONE -> {
                if (facts.interim) {
                    facts.interim = false;
                    readResponseHead();
                } else if (x.state() == Exchange.State.TUNNEL) {
                    down.responseSink().shutdownOutput();
                    endTunnelIfDone();
                } else if (facts.upgraded) {
                    startTunnel(Counter.EXCHANGE_UPGRADED);
                } else {
                    compression.close();
                    facts.responseDone = true;
                    completeIfDone();
                }
            }
            case TRUNCATED -> responseFailed(Counter.BACKEND_TRUNCATED_RESPONSE, "closed the connection mid-response");
            case REJECT -> responseFailed(Counter.BACKEND_BAD_CHUNK, "invalid chunked body: " + responsePipe.rejection().reason());
            case SOURCE_FAILED -> {
                if (responsePipe.failure() instanceof BodyPieces.BadChunk bad) {
                    responseFailed(Counter.BACKEND_BAD_CHUNK, "invalid chunked body: " + bad.getMessage());
                } else {
                    responseFailed(Counter.BACKEND_READ_FAILED, "read failed: " + Upstream.reason(responsePipe.failure()));
                }
            }
            case SINK_FAILED -> {
                x.count(Counter.CLIENT_WRITE_FAILED);
                x.abort();
            }
            default -> { }
        }
    }

    /**
     * The backend's response broke (cut short, badly framed, unreadable). While not one byte of it reached the
     * client, the client still gets a proper answer, 502; after that, only a cut connection can say it.
     */
    private void responseFailed(Counter counter, String why) {
        x.count(counter);
        if (!responsePipe.sentNothing()) {
            x.abort();
            return;
        }
        engine.counters().retractResponse(facts.status);
        facts.responseStarted = false;
        String name = upstream.backend().backend().name();
        upstream.drop();
        x.fail(502, "invalid response from backend " + name + ": " + why);
    }

    /** Relays bytes both ways until both sides closed: after a 101, or a TLS passthrough connection. */
    void startTunnel(Counter counter) {
        x.enterTunnel();
        facts.tunnel = true;
        x.count(counter);
        x.record();
        MessageChannel be = upstream.backend().channel();
        requestPipe.tunnel(down.requestSource(), be);
        responsePipe.tunnel(be, down.responseSink());
        pumpUp();
        if (x.state() == Exchange.State.TUNNEL) {
            pumpDown();
        }
    }

    private void endTunnelIfDone() {
        if (!requestPipe.active() && !responsePipe.active()) {
            x.finish(true);
        }
    }
}
