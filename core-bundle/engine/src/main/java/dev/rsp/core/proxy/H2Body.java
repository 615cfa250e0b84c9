package dev.rsp.core.proxy;

import dev.rsp.core.net.BufferPool;
import dev.rsp.core.net.ByteSource;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The request body of one HTTP/2 stream as a {@link ByteSource} for the exchange's request pipe. DATA payloads are
 * staged in one pooled buffer after the window the pipe sees, and {@link #read} moves what is staged into the window:
 * as it is when the request has a Content-Length, as one chunk when it has none (the backend speaks HTTP/1.1 and
 * needs a framing), so many small DATA frames cost one chunk header, and the pipe's chunk scanner never sees a chunk
 * that is still growing. The end of a chunked body is the last chunk and the client's trailers.
 *
 * <p>Backpressure: the client may send only what rsp's flow-control credit allows, and credit comes back
 * ({@link Credit#consumed}) only when the pipe has taken all it was shown ({@link #read} on an empty window) or the
 * exchange ends. While the backend cannot take more the pipe stops reading, nothing is credited, and the client's
 * window closes. So the buffer never holds more than the stream's receive window plus framing. It starts as one pooled
 * buffer and grows (on the heap, up to {@link #MAX_BYTES}) only for a client that sends more than that before the
 * pipe drains it, e.g. the 65,535 bytes the protocol allows before rsp's SETTINGS are acknowledged. Loop thread
 * only.
 */
final class H2Body implements ByteSource {

    /** Room the buffer needs beyond the stream's receive window: chunk headers, the last chunk, slack. */
    static final int FRAMING_ROOM = 64;
    /** The largest the buffer grows: the protocol's default stream window, framing, and slack for trailers. */
    static final int MAX_BYTES = 65_535 + 16_384;

    /** Gives the client credit back for body bytes the backend side took (or that were dropped). */
    interface Credit {
        void consumed(int bytes);

        /**
         * The pipe stopped while this body still has something for it (bytes staged, or credit owed once it reads
         * again) and asked to be run when more can be read ({@link #wantRead}): no socket readiness will say so, and
         * no DATA will come while the credit is owed, so the owner runs the pipe again from the loop's task queue.
         */
        default void runAgain() {
        }
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** A chunk header of four hex digits and CRLF, written when the chunk is shown. */
    private static final int HEADER = 6;

    private final BufferPool pool;
    private boolean chunked;
    private final Credit credit;
    private final int maxBytes;
    /** position..limit: shown to the pipe, not yet taken; limit..staged: received, not yet shown. */
    private ByteBuffer buf;
    private boolean pooled;
    private int staged;
    private int stagedPayload;
    /** Payload shown to the pipe and not yet credited. */
    private int shownPayload;
    private String trailers = "";
    private boolean ended;
    private boolean lastShown;
    private boolean shutdown;

    H2Body(BufferPool pool, boolean chunked, Credit credit) {
        this(pool, chunked, credit, MAX_BYTES);
    }

    /** @param maxBytes the largest the buffer grows: the receive window, its framing, and any head staged before it */
    H2Body(BufferPool pool, boolean chunked, Credit credit, int maxBytes) {
        this.pool = pool;
        this.chunked = chunked;
        this.credit = credit;
        this.maxBytes = maxBytes;
    }

    /**
     * Stages bytes that are not payload (a response head an HTTP/2 backend stream wrote as HTTP/1.1) and shows them
     * at once; never credited; only while no payload waits unshown. False when they do not fit.
     */
    boolean appendHead(ByteBuffer head) {
        if (stagedPayload > 0) {
            throw new IllegalStateException("a head after unshown payload");
        }
        input();
        if (!room(head.remaining())) {
            return false;
        }
        ByteBuffer b = buf;
        int pos = b.position();
        b.limit(b.capacity()).position(staged);
        b.put(head);
        staged = b.position();
        // Shown at once: a chunk header is reserved where the unshown region starts, so nothing may stay unshown.
        b.position(pos).limit(staged);
        return true;
    }

    /** Whether payload staged from now on is framed as chunks (set by the head that precedes it). */
    void chunked(boolean on) {
        chunked = on;
    }

    /** Stages a DATA payload; false when it does not fit (more than the credit rsp gave: a flow-control error). */
    boolean append(ByteBuffer data) {
        int n = data.remaining();
        if (n == 0) {
            return true;
        }
        input();
        int header = chunked && stagedPayload == 0 ? HEADER : 0;
        if (!room(header + n + 2)) {
            return false;
        }
        ByteBuffer b = buf; // room() may have replaced it
        int pos = b.position();
        int lim = b.limit();
        b.limit(b.capacity()).position(staged + header);
        b.put(data);
        staged = b.position();
        b.limit(lim).position(pos);
        stagedPayload += n;
        return true;
    }

    /** Trailer fields the client sent ({name, value}): they follow the last chunk (a sized body cannot carry them). */
    void trailers(List<String[]> fields) {
        StringBuilder sb = new StringBuilder();
        for (String[] f : fields) {
            sb.append(f[0]).append(": ").append(f[1]).append("\r\n");
        }
        trailers = sb.toString();
    }

    /** END_STREAM: nothing more arrives. */
    void end() {
        ended = true;
    }

    boolean ended() {
        return ended;
    }

    /** Payload received and not yet credited back, shown or staged. */
    int held() {
        return shownPayload + stagedPayload;
    }

    /** The exchange is over: credit what it never took and give the buffer back. */
    void release() {
        int n = held();
        shownPayload = 0;
        stagedPayload = 0;
        if (n > 0) {
            credit.consumed(n);
        }
        if (buf != null && pooled) {
            pool.release(buf);
        }
        buf = null;
    }

    /** Makes {@code need} bytes free after the staged ones, compacting away what the pipe took. */
    private boolean room(int need) {
        ByteBuffer b = buf;
        if (b.capacity() - staged >= need) {
            return true;
        }
        int shift = b.position();
        if (shift > 0) {
            int lim = b.limit();
            b.limit(staged);
            b.compact();
            b.limit(lim - shift).position(0);
            staged -= shift;
        }
        if (b.capacity() - staged >= need) {
            return true;
        }
        if (staged + need > maxBytes) {
            return false;
        }
        int grown = Math.min(Math.max(b.capacity() * 2, staged + need), maxBytes);
        ByteBuffer bigger = ByteBuffer.allocate(grown);
        int pos = b.position();
        int lim = b.limit();
        b.position(0).limit(staged);
        bigger.put(b);
        bigger.limit(lim).position(pos);
        if (pooled) {
            pool.release(b);
        }
        buf = bigger;
        pooled = false;
        return true;
    }

    private void show() {
        ByteBuffer b = buf;
        int pos = b.position();
        int start = b.limit();
        b.limit(b.capacity());
        if (chunked && stagedPayload > 0) {
            b.position(start);
            int v = stagedPayload;
            for (int i = 3; i >= 0; i--) {
                b.put(start + i, HEX[v & 0xf]);
                v >>>= 4;
            }
            b.put(start + 4, (byte) '\r').put(start + 5, (byte) '\n');
            b.position(staged);
            b.put((byte) '\r').put((byte) '\n');
            staged = b.position();
        }
        b.limit(staged).position(pos);
        shownPayload += stagedPayload;
        stagedPayload = 0;
    }

    // ---------------------------------------------------------------- ByteSource

    @Override
    public ByteBuffer input() {
        if (buf == null) {
            buf = pool.acquire();
            pooled = true;
            buf.limit(0);
            staged = 0;
        }
        return buf;
    }

    @Override
    public int inputAvailable() {
        return buf == null ? 0 : buf.remaining();
    }

    /** Shows what was staged since the last call and reports its size; -1 once the body is complete and taken. */
    @Override
    public int read() {
        ByteBuffer b = input();
        if (!b.hasRemaining() && shownPayload > 0) {
            int n = shownPayload;
            shownPayload = 0;
            credit.consumed(n);
        }
        int before = b.remaining();
        if (staged > b.limit()) {
            show();
        }
        if (ended && chunked && !lastShown && stagedPayload == 0) {
            // Trailers that could not fit beside the last chunk are left out rather than stall the body.
            String last = 5 + trailers.length() <= b.capacity() / 2 ? "0\r\n" + trailers + "\r\n" : "0\r\n\r\n";
            if (room(last.length())) {
                b = buf; // room() may have replaced it
                int pos = b.position();
                b.limit(b.capacity()).position(staged);
                HeadWriter.ascii(b, last);
                staged = b.position();
                b.limit(staged).position(pos);
                lastShown = true;
            }
        }
        int added = b.remaining() - before;
        if (added > 0) {
            return added;
        }
        if (ended && (!chunked || lastShown) && staged == b.limit()) {
            shutdown = true;
            return -1;
        }
        return 0;
    }

    @Override
    public boolean inputShutdown() {
        return shutdown;
    }

    /**
     * Data arrives as the peer's credit allows, and credit follows {@link #read}: there is no read interest to
     * switch. But a pipe that yields after its rounds ({@link Pipe#ROUNDS_PER_PUMP}) with bytes still staged, or
     * with its window drained and credit not yet given, would wait for a DATA frame the peer cannot send: then the
     * owner runs it again ({@link Credit#runAgain}).
     */
    @Override
    public void wantRead(boolean on) {
        if (on && buf != null && !shutdown && (staged > buf.limit() || !buf.hasRemaining() && shownPayload > 0
                || ended && (!chunked || !lastShown))) {
            credit.runAgain();
        }
    }
}
