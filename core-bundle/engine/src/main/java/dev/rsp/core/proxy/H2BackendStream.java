package dev.rsp.core.proxy;

import dev.rsp.core.h2.ErrorCode;
import dev.rsp.core.h2.H2Stream;
import dev.rsp.core.http.HeadLimits;
import dev.rsp.core.http.HttpHead;
import dev.rsp.core.http.ParseStatus;
import dev.rsp.core.http.RequestHeadParser;
import dev.rsp.core.http.ResponseHeadParser;
import dev.rsp.core.net.MessageChannel;
import dev.rsp.spi.routing.Backend;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * One exchange's stream on an {@link H2BackendConnection}, seen by the exchange as an HTTP/1.1 connection of its own
 * (a {@link BackendLink} whose {@link MessageChannel} carries HTTP/1.1 bytes), so routing, retries, timeouts, the
 * response checks and the pipes are the same whatever the backend speaks.
 *
 * <p>Request: the head rsp wrote for the backend ({@link HeadWriter#request}) is parsed once more and goes as a
 * HEADERS frame ({@link H2Heads#request}); the stream id is taken only then, so ids go out in order. The body goes
 * as DATA ({@link BodyFrames}): a chunked one unframed, its trailers as a trailing HEADERS.
 *
 * <p>Response: the connection decodes each field block to HTTP/1.1 ({@link H2ResponseDecoder}) and hands it here with
 * the DATA payloads; they wait in an {@link H2Body} (sized, or re-chunked when the backend gave no length, which is how
 * gRPC's trailers reach an HTTP/1.1 or HTTP/2 client) until the exchange's pipe takes them. Credit goes back to the
 * backend only as the pipe takes bytes: a slow client closes this stream's window, not the connection's others.
 *
 * <p>A reset (by the backend, the session, or the connection's end) makes the next read or write fail, which the
 * exchange handles as a broken backend connection (a retry where safe, else 502). Loop thread only.
 */
final class H2BackendStream extends H2Waiter implements BackendLink, MessageChannel {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final H2BackendConnection conn;
    private final HeadLimits limits;
    private Exchange owner;
    private H2Stream stream;
    private ResponseHeadParser parser;
    private final H2Body response;
    private final BodyFrames requestBody = new BodyFrames();
    private final BodyFrames.Data data;
    private final ByteBuffer[] one = new ByteBuffer[1];
    /** The request's end (trailers, or an empty DATA with END_STREAM) could not be written yet. */
    private boolean endPending;
    private boolean requestEnded;
    private String broken;
    private boolean refused;
    private boolean released;

    H2BackendStream(H2BackendConnection conn, Exchange owner, HeadLimits limits) {
        this.conn = conn;
        this.owner = owner;
        this.limits = limits;
        this.response = new H2Body(conn.buffers(), false, new H2Body.Credit() {
            @Override
            public void consumed(int bytes) {
                credit(bytes);
            }

            @Override
            public void runAgain() {
                conn.runSoon(H2BackendStream.this);
            }
        }, conn.responseBufferBytes());
        this.data = (piece, end) -> conn.output().writeData(stream, piece, end);
    }

    H2Stream stream() {
        return stream;
    }

    // ---------------------------------------------------------------- BackendLink

    @Override
    public Backend backend() {
        return conn.backend();
    }

    @Override
    public MessageChannel channel() {
        return this;
    }

    @Override
    public ResponseHeadParser parser() {
        if (parser == null) {
            parser = new ResponseHeadParser(limits);
        }
        return parser;
    }

    @Override
    public int reuses() {
        return conn.streamsBefore(this);
    }

    @Override
    public boolean connected() {
        return conn.connected();
    }

    @Override
    public boolean finishConnect() throws IOException {
        if (broken != null) {
            throw new IOException(broken);
        }
        return conn.connected();
    }

    @Override
    public boolean refused() {
        return refused;
    }

    /** The exchange is done with the stream: reset unless both directions ended, the response buffer given back. */
    @Override
    public void close() {
        if (released) {
            return;
        }
        released = true;
        owner = null;
        if (stream != null && broken == null && (stream.state().weMaySend() || stream.state().peerMaySend())) {
            conn.reset(this, ErrorCode.CANCEL);
        }
        response.release();
        conn.forget(this);
    }

    // ---------------------------------------------------------------- events from the connection

    /** The connection connected, failed, or can take more: the exchange pumps (or learns of the failure). */
    @Override
    void writable() {
        if (endPending) {
            endRequest();
        }
        notifyOwner();
    }

    void notifyOwner() {
        if (owner != null) {
            owner.onBackendReady(this);
        }
    }

    /** A response head, in HTTP/1.1 form; {@code chunked}: its body gets chunk framing; false when it does not fit. */
    boolean head(ByteBuffer http1Head, boolean chunked, boolean interim, boolean endStream) {
        if (!interim) {
            response.chunked(chunked);
        }
        if (!response.appendHead(http1Head)) {
            return false;
        }
        if (endStream) {
            responseEnded();
        }
        notifyOwner();
        return true;
    }

    /** Response body bytes (valid during the call); false when they exceed the credit given. */
    boolean data(ByteBuffer payload, boolean endStream) {
        if (!response.append(payload)) {
            return false;
        }
        if (endStream) {
            responseEnded();
        }
        notifyOwner();
        return true;
    }

    void trailers(List<String[]> fields) {
        response.trailers(fields);
        responseEnded();
        notifyOwner();
    }

    private void responseEnded() {
        response.end();
    }

    /** The stream is gone: the next read or write fails with {@code why}; {@code refused}: nothing was processed. */
    void broken(String why, boolean refused) {
        if (broken == null) {
            broken = why;
            this.refused = refused;
        }
        notifyOwner();
    }

    private void credit(int bytes) {
        conn.consumed(this, bytes);
    }

    // ---------------------------------------------------------------- ByteSink: the request, as HTTP/1.1 bytes

    @Override
    public int write(ByteBuffer src) throws IOException {
        one[0] = src;
        try {
            return (int) write(one);
        } finally {
            one[0] = null;
        }
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        if (broken != null && response.ended()) {
            // The backend answered in full and then ended the stream (RFC 9113 8.1): the rest of the body is not wanted.
            long n = 0;
            for (ByteBuffer b : srcs) {
                n += b.remaining();
                b.position(b.limit());
            }
            return n;
        }
        failIfBroken();
        long taken = 0;
        for (ByteBuffer b : srcs) {
            if (stream == null) {
                if (!b.hasRemaining()) {
                    continue;
                }
                int before = b.position();
                if (!writeHead(b)) {
                    return taken;
                }
                taken += b.position() - before;
            }
            int before = b.position();
            boolean all = requestBody.write(b, data);
            taken += b.position() - before;
            if (requestBody.chunkedDone() && !requestEnded && !endPending) {
                endRequest();
            }
            if (!all) {
                break;
            }
        }
        return taken;
    }

    /**
     * Parses the HTTP/1.1 head at the front of {@code b} (written whole by rsp) and sends it as HEADERS; false, taking
     * nothing, while the connection cannot open the stream or take the frame now.
     */
    private boolean writeHead(ByteBuffer b) throws IOException {
        RequestHeadParser p = conn.requestParser();
        p.reset();
        ByteBuffer view = b.duplicate();
        if (p.parse(view) != ParseStatus.DONE) {
            throw new IOException("request head not parsable for HTTP/2");
        }
        HttpHead h = p.head();
        boolean none = !h.chunked() && h.contentLength() <= 0;
        ByteBuffer lines = ByteBuffer.allocate(h.headLength() + 128);
        if (!H2Heads.request(b, h, conn.backend().tls() != Backend.Tls.NONE, lines)) {
            throw new IOException("request head too large for HTTP/2");
        }
        H2Stream s = conn.open(this, lines, none);
        if (s == null) {
            conn.output().waitToWrite(this);
            return false;
        }
        stream = s;
        requestEnded = none;
        requestBody.start(none, h.chunked(), h.contentLength());
        b.position(h.headEnd());
        return true;
    }

    /** Ends a chunked request: its trailers as HEADERS, or an empty DATA, with END_STREAM. */
    private void endRequest() {
        boolean done;
        List<String[]> trailers = requestBody.trailers();
        if (!trailers.isEmpty()) {
            ByteBuffer lines = ByteBuffer.allocate(limits.maxHeadBytes());
            done = H2Heads.trailers(trailers, lines) && conn.output().writeHead(stream, lines, true);
        } else {
            done = conn.output().writeData(stream, EMPTY, true) >= 0 && !stream.state().weMaySend();
        }
        endPending = !done;
        requestEnded = done;
        if (endPending) {
            conn.output().waitToWrite(this);
        }
    }

    @Override
    public void wantWrite(boolean on) {
        if (on) {
            conn.output().waitToWrite(this);
        }
    }

    /** No tunnels over HTTP/2 (a 101 is malformed there): nothing to shut. */
    @Override
    public void shutdownOutput() {
    }

    private void failIfBroken() throws IOException {
        if (broken != null) {
            throw new IOException(broken);
        }
    }

    // ---------------------------------------------------------------- ByteSource: the response, as HTTP/1.1 bytes

    @Override
    public ByteBuffer input() {
        return response.input();
    }

    @Override
    public int inputAvailable() {
        return response.inputAvailable();
    }

    @Override
    public boolean hasInput() {
        return response.inputAvailable() > 0;
    }

    /** A head arrives whole, so the window never needs compaction for one. */
    @Override
    public boolean inputFull() {
        return false;
    }

    @Override
    public void compactInput() {
    }

    @Override
    public int read() throws IOException {
        int n = response.read();
        if (n == 0 && broken != null && !response.ended()) {
            throw new IOException(broken);
        }
        return n;
    }

    @Override
    public boolean inputShutdown() {
        return response.inputShutdown();
    }

    /** Bytes arrive as the backend's credit allows; credit follows what the pipe takes (see {@link H2Body}). */
    @Override
    public void wantRead(boolean on) {
    }

    @Override
    public String toString() {
        return "h2 stream " + (stream == null ? "-" : stream.id()) + " to " + conn.backend().name();
    }
}
