package dev.rsp.core.proxy;

import dev.rsp.core.h2.FrameType;
import dev.rsp.core.h2.H2Sender;
import dev.rsp.core.h2.H2Stream;
import dev.rsp.core.h2.Settings;
import dev.rsp.core.h2.hpack.HpackEncoder;
import dev.rsp.core.net.BufferPool;
import dev.rsp.core.net.Endpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The output side of an HTTP/2 connection, to a client ({@link H2Connection}) or to a backend
 * ({@link H2BackendConnection}): one pooled buffer (a larger one-off one for a head that needs it),
 * filled with the control frames the session owes first, then the streams' HEADERS (HPACK-encoded only now, in the
 * order they are written, which the client's decoder requires) and DATA within the windows; flushed to the socket
 * when the connection's readiness ends, or once per loop turn when frames were written from a backend's readiness.
 * Streams that could not write all they had wait here and run again when a flush empties the buffer or a window
 * opens. Loop thread only.
 */
final class H2Output {

    private final LoopContext ctx;
    private final Endpoint peer;
    private final H2Sender session;
    private final HpackEncoder hpack = new HpackEncoder();
    private final ArrayDeque<H2Waiter> waiters = new ArrayDeque<>();
    /** Runs on the loop after frames were written outside the connection's readiness (it flushes). */
    private final Runnable flushTask;
    /** The socket failed: the connection closes. */
    private final Runnable failed;
    /** A flush emptied the buffer: a connection that stopped reading until then reads on. */
    private final Runnable drained;
    private ByteBuffer out;
    private boolean outPooled;
    private boolean flushQueued;
    /** A run of the waiting streams is queued: a flush emptied the buffer (OP_WRITE is off from then on). */
    private boolean waitersQueued;
    private final Runnable waitersTask = () -> {
        waitersQueued = false;
        if (!this.closed) {
            runWaiters();
        }
    };
    private boolean closed;

    H2Output(LoopContext ctx, Endpoint peer, H2Sender session, Runnable queuedFlush, Runnable failed,
            Runnable drained) {
        this.ctx = ctx;
        this.peer = peer;
        this.session = session;
        this.flushTask = () -> {
            flushQueued = false;
            if (!closed) {
                queuedFlush.run();
            }
        };
        this.failed = failed;
        this.drained = drained;
    }

    /** The peer's HPACK table size changed (its SETTINGS). */
    void peerSettings(Settings peer) {
        hpack.peerMaxTableSize((int) Math.min(peer.headerTableSize(), HpackEncoder.DEFAULT_TABLE_SIZE));
    }

    /** True when nothing waits in the buffer. */
    boolean empty() {
        return out == null || out.position() == 0;
    }

    boolean hasWaiters() {
        return !waiters.isEmpty();
    }

    /** The connection closed: the buffer goes back, nobody waits any more. */
    void close() {
        closed = true;
        waiters.clear();
        release();
    }

    /** Writes the control frames the session owes; false when the socket cannot take them all now. */
    boolean writeControl() {
        while (session.hasControlOutput()) {
            if (!room(FrameType.HEADER_LENGTH + 8)) {
                return false;
            }
            if (!session.writeControl(out) && !flush()) {
                return false;
            }
        }
        return true;
    }

    /** Frames were written outside the connection's own readiness: flush them before the loop selects again. */
    void flushSoon() {
        if (!flushQueued) {
            flushQueued = true;
            ctx.loop.execute(flushTask);
        }
    }

    /** Sends what the output holds; true when all of it went. */
    boolean flush() {
        if (out == null || out.position() == 0) {
            return true;
        }
        out.flip();
        try {
            peer.write(out);
        } catch (IOException e) {
            out.clear();
            failed.run();
            return false;
        }
        boolean all = !out.hasRemaining();
        out.compact();
        peer.wantWrite(!all);
        if (all) {
            release();
            drained.run();
            // Whoever emptied the buffer (not only OP_WRITE, which is off now) owes the waiting streams a run: a
            // stream blocked on a full buffer is woken by nothing else.
            if (!waiters.isEmpty() && !waitersQueued) {
                waitersQueued = true;
                ctx.loop.execute(waitersTask);
            }
        }
        return all;
    }

    /** At least {@code need} bytes free in the output (a larger one-off buffer for a large head); false if blocked. */
    private boolean room(int need) {
        if (out != null && out.remaining() >= need) {
            return true;
        }
        if (!flush()) {
            return false;
        }
        if (out == null) {
            BufferPool pool = ctx.h2Output();
            outPooled = pool.bufferSize() >= need;
            out = outPooled ? pool.acquire() : ByteBuffer.allocate(need);
            out.clear();
        }
        return out.remaining() >= need;
    }

    private void release() {
        if (out != null && outPooled) {
            ctx.h2Output().release(out);
        }
        out = null;
    }

    /** HPACK-encodes {@code lines} (see {@link H2Heads}) into HEADERS now; false, encoding nothing, when blocked. */
    boolean writeHead(H2Stream s, ByteBuffer lines, boolean endStream) {
        if (closed || !s.state().weMaySend()) {
            return true;
        }
        int bound = H2Heads.bound(lines);
        int frames = FrameType.HEADER_LENGTH * (2 + bound / session.peerSettings().maxFrameSize());
        if (!writeControl() || !room(bound + frames)) {
            return false;
        }
        ByteBuffer block = ctx.headerBlock(bound);
        H2Heads.encode(lines, hpack, block);
        block.flip();
        session.writeHeaders(s, block, endStream, out);
        flushSoon();
        return true;
    }

    /**
     * Opens a stream ({@code open}, called only once the HEADERS are sure to fit, so stream ids go out in order) and
     * writes its head; null, opening nothing, when blocked.
     */
    H2Stream writeNewHead(java.util.function.Supplier<H2Stream> open, ByteBuffer lines, boolean endStream) {
        if (closed) {
            return null;
        }
        int bound = H2Heads.bound(lines);
        int frames = FrameType.HEADER_LENGTH * (2 + bound / session.peerSettings().maxFrameSize());
        if (!writeControl() || !room(bound + frames)) {
            return null;
        }
        H2Stream s = open.get();
        ByteBuffer block = ctx.headerBlock(bound);
        H2Heads.encode(lines, hpack, block);
        block.flip();
        session.writeHeaders(s, block, endStream, out);
        flushSoon();
        return s;
    }

    /** Writes what it can of {@code src} as DATA; returns the bytes taken. */
    int writeData(H2Stream s, ByteBuffer src, boolean endStream) {
        int taken = 0;
        while (!closed && s.state().weMaySend()) {
            if (!room(FrameType.HEADER_LENGTH + 1)) {
                break;
            }
            int n = session.writeData(s, src, endStream, out);
            taken += n;
            flushSoon();
            boolean ended = !s.state().weMaySend();
            if (ended || !src.hasRemaining() && !endStream || session.sendable(s) == 0 && src.hasRemaining()) {
                break;
            }
            if (n == 0 && out.remaining() > FrameType.HEADER_LENGTH && !flush()) {
                break;
            }
        }
        return taken;
    }

    /** {@code ds} could not write all it has: it runs again once the socket drained or a window opened. */
    void waitToWrite(H2Waiter ds) {
        if (!ds.waiting) {
            ds.waiting = true;
            waiters.add(ds);
        }
    }

    void runWaiters() {
        for (int n = waiters.size(); n > 0 && !closed; n--) {
            if (out != null && out.remaining() < FrameType.HEADER_LENGTH + 1) {
                if (!flush()) {
                    return;
                }
            }
            H2Waiter ds = waiters.poll();
            ds.waiting = false;
            ds.writable();
        }
    }
}
