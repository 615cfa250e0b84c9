package dev.rsp.core.proxy;

import dev.rsp.core.h2.ErrorCode;
import dev.rsp.core.h2.H2Stream;
import dev.rsp.core.http.HttpHead;
import dev.rsp.core.net.ByteSink;
import dev.rsp.core.net.ByteSource;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/2 stream as the {@link Downstream} of its {@link Exchange}, and the {@link ByteSink} its response pipe
 * writes to. The response head reaches the sink as lines ({@link H2Heads}) ahead of the body and becomes a HEADERS
 * frame when the connection's output takes it; a chunked body loses its framing ({@link BodyFrames}) and becomes
 * DATA within the stream's and the connection's windows; backend trailers become a trailing HEADERS; the end of the
 * exchange ends the stream. rsp's own answers are a HEADERS and a DATA frame. What the sink cannot write now waits
 * for the connection ({@link H2Connection#waitToWrite}), which runs the stream again when its window or the socket
 * opens. Loop thread only.
 */
final class H2Downstream extends H2Waiter implements Downstream, ByteSink {

    private enum Ending { NONE, PENDING, DONE }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    final H2Stream stream;
    final H2Request request;
    private final H2Connection conn;
    private H2Body body;
    private Exchange exchange;
    /** Bytes at the front of the next write that are a response head as lines; 0 when none waits. */
    private int headLines;
    private boolean headSent;
    private boolean noBody;
    /** The response body as DATA: a sized body's last frame carries END_STREAM, a chunked one's trailers are kept. */
    private final BodyFrames frames = new BodyFrames();
    private final BodyFrames.Data data;
    private Ending ending = Ending.NONE;
    /** rsp's own answer: head lines, then its body, until written. */
    private ByteBuffer replyHead;
    private ByteBuffer replyBody;
    private long received;
    private final ByteBuffer[] one = new ByteBuffer[1];

    H2Downstream(H2Connection conn, H2Stream stream, H2Request request) {
        this.conn = conn;
        this.stream = stream;
        this.request = request;
        this.data = (piece, end) -> conn.output().writeData(stream, piece, end);
    }

    void start(Exchange x) {
        exchange = x;
    }

    Exchange exchange() {
        return exchange;
    }

    /** Request body bytes: staged for the backend; false when the stream was reset for them. */
    boolean data(ByteBuffer data, boolean endStream) {
        int n = data.remaining();
        received += n;
        long declared = request.declaredLength();
        if (exchange == null) {
            conn.credit(stream, n);
            return true;
        }
        if (declared >= 0 && (received > declared || endStream && received != declared)) {
            conn.count(Counter.H2_CONTENT_LENGTH_MISMATCH);
            resetForBody(ErrorCode.PROTOCOL_ERROR, n);
            return false;
        }
        if (!body().append(data)) {
            resetForBody(ErrorCode.FLOW_CONTROL_ERROR, n);
            return false;
        }
        if (endStream) {
            body().end();
        }
        exchange.onDownstreamReady();
        return true;
    }

    /**
     * The request body broke the stream's rules: RST_STREAM, and the exchange is abandoned (its backend would wait for
     * a body that never comes); the {@code n} bytes just received go back to the connection's window.
     */
    private void resetForBody(ErrorCode code, int n) {
        conn.resetStream(this, code);
        conn.credit(stream, n);
        gone();
    }

    /** The client's trailers end the request body (they reach the backend after the last chunk). */
    void trailers(java.util.List<String[]> fields) {
        if (exchange != null) {
            body().trailers(fields);
        }
        data(EMPTY, true);
    }

    private H2Body body() {
        if (body == null) {
            body = new H2Body(conn.buffers(), request.chunked(), new H2Body.Credit() {
                @Override
                public void consumed(int bytes) {
                    conn.credit(stream, bytes);
                }

                @Override
                public void runAgain() {
                    conn.runSoon(H2Downstream.this);
                }
            });
        }
        return body;
    }

    /** The client reset the stream, or the connection ended: the exchange is abandoned. */
    void gone() {
        Exchange x = exchange;
        exchange = null;
        if (x != null) {
            x.abandon();
        }
        release();
    }

    void release() {
        if (body != null) {
            body.release();
            body = null;
        }
        ending = Ending.DONE;
        conn.forget(this);
    }

    /** The connection can take more now: the exchange pumps, or a pending end or reply goes on. */
    @Override
    void writable() {
        if (exchange != null) {
            exchange.onDownstreamReady();
        } else if (replyHead != null || replyBody != null) {
            continueReply();
        } else if (ending == Ending.PENDING) {
            end();
        }
    }

    // ---------------------------------------------------------------- Downstream

    @Override
    public ByteSource requestSource() {
        return body != null || request.hasBody() ? body() : NoRequestBody.INSTANCE;
    }

    @Override
    public ByteSink responseSink() {
        return this;
    }

    @Override
    public ConnectionAddresses addresses() {
        return conn.addresses();
    }

    @Override
    public String clientIp() {
        return conn.clientIp();
    }

    @Override
    public boolean tls() {
        return conn.tls();
    }

    @Override
    public boolean onTlsListener() {
        return conn.onTlsListener();
    }

    @Override
    public String protocol() {
        return "HTTP/2";
    }

    @Override
    public boolean covers(String host) {
        return conn.covers(host);
    }

    @Override
    public boolean encodeResponseHead(ByteBuffer source, HttpHead head, HeadWriter.ClientConnection kind, ResponseEdits edits,
            ByteBuffer out) {
        if (!H2Heads.response(source, head, edits, out)) {
            return false;
        }
        headLines = out.remaining();
        int status = head.status();
        boolean interim = kind == HeadWriter.ClientConnection.INTERIM;
        noBody = !interim && (status == 204 || status == 304 || "HEAD".equals(request.method())
                || !head.chunked() && head.contentLength() == 0);
        frames.start(noBody, !interim && head.chunked(), interim ? -1 : head.contentLength());
        return true;
    }

    @Override
    public boolean draining() {
        return conn.draining();
    }

    @Override
    public long takeConnectionRefusal() {
        return conn.takeConnectionRefusal();
    }

    @Override
    public void exchangeDone(boolean closeAfter) {
        exchange = null;
        end();
    }

    /** Ends the stream after the response: trailers or an empty DATA with END_STREAM, unless the head ended it. */
    private void end() {
        if (!stream.state().weMaySend()) {
            finished();
            return;
        }
        boolean done;
        if (frames.chunked() && !frames.trailers().isEmpty()) {
            ByteBuffer lines = ByteBuffer.allocate(16_384);
            done = H2Heads.trailers(frames.trailers(), lines) && conn.output().writeHead(stream, lines, true);
        } else {
            done = conn.output().writeData(stream, EMPTY, true) >= 0 && !stream.state().weMaySend();
        }
        if (done) {
            finished();
        } else {
            ending = Ending.PENDING;
            conn.output().waitToWrite(this);
        }
    }

    /** The response is complete: a request body still arriving is not wanted any more (RST_STREAM NO_ERROR). */
    private void finished() {
        if (stream.state().peerMaySend()) {
            conn.resetStream(this, ErrorCode.NO_ERROR);
        }
        release();
    }

    @Override
    public void reply(int status, String text, long retryAfterSeconds) {
        exchange = null;
        if (headSent) {
            abort();
            return;
        }
        ByteBuffer page = conn.errorPage(status);
        String type = "text/plain; charset=utf-8";
        ByteBuffer content;
        if (page != null) {
            type = ErrorPages.contentType(page);
            content = ErrorPages.body(page);
        } else {
            content = ByteBuffer.wrap(((text == null ? Replies.reason(status) : text) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        send(status, type, content, retryAfterSeconds);
    }

    @Override
    public void answer(LocalAnswer answer) {
        exchange = null;
        if (headSent) {
            abort();
            return;
        }
        send(answer.status(), answer.contentType(), ByteBuffer.wrap(answer.body()), 0, answer.location());
    }

    private void send(int status, String type, ByteBuffer content, long retryAfterSeconds) {
        send(status, type, content, retryAfterSeconds, "");
    }

    private void send(int status, String type, ByteBuffer content, long retryAfterSeconds, String location) {
        replyHead = ByteBuffer.allocate(128 + type.length() + location.length());
        H2Heads.reply(status, type, content.remaining(), retryAfterSeconds, location, replyHead);
        replyBody = content;
        continueReply();
    }

    private void continueReply() {
        if (replyHead != null) {
            if (!conn.output().writeHead(stream, replyHead, false)) {
                conn.output().waitToWrite(this);
                return;
            }
            replyHead = null;
        }
        conn.output().writeData(stream, replyBody, true);
        if (stream.state().weMaySend()) {
            conn.output().waitToWrite(this);
            return;
        }
        replyBody = null;
        finished();
    }

    @Override
    public void abort() {
        exchange = null;
        conn.resetStream(this, ErrorCode.INTERNAL_ERROR);
        release();
    }

    // ---------------------------------------------------------------- ByteSink (the response pipe)

    @Override
    public int write(ByteBuffer src) {
        one[0] = src;
        try {
            return (int) write(one);
        } finally {
            one[0] = null;
        }
    }

    @Override
    public long write(ByteBuffer[] srcs) {
        long taken = 0;
        for (ByteBuffer b : srcs) {
            if (headLines > 0 && b.hasRemaining()) {
                int limit = b.limit();
                b.limit(b.position() + headLines); // the head's lines alone; writeHead does not consume them
                boolean interim = H2Heads.status(b) < 200;
                boolean written = conn.output().writeHead(stream, b, noBody && !interim);
                b.limit(limit);
                if (!written) {
                    return taken;
                }
                b.position(b.position() + headLines);
                taken += headLines;
                headLines = 0;
                headSent |= !interim;
                if (noBody && !interim) {
                    ending = Ending.DONE;
                }
            }
            int before = b.position();
            boolean all = body(b);
            taken += b.position() - before;
            if (!all) {
                break;
            }
        }
        return taken;
    }

    /** Writes body bytes from {@code b}; true when all of them went. */
    private boolean body(ByteBuffer b) {
        return frames.write(b, data);
    }

    @Override
    public void wantWrite(boolean on) {
        if (on) {
            conn.output().waitToWrite(this);
        }
    }

    /** No tunnels over HTTP/2: the stream ends with its response. */
    @Override
    public void shutdownOutput() {
        end();
    }
}
