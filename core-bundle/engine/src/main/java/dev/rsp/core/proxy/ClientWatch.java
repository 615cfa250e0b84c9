package dev.rsp.core.proxy;

import dev.rsp.core.net.Deadline;
import dev.rsp.core.net.Endpoint;
import dev.rsp.core.net.LoopHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Notices an HTTP/1 client that goes away while its exchange waits for a backend or relays a response, so that the
 * backend leg is cancelled at once instead of running until the backend answers. Used by an {@link Http1Connection}
 * while its request needs nothing more from the socket (the request is complete, or its body is not read yet).
 *
 * <p>The rule, because TCP cannot tell a client that closed its socket from one that only shut down its sending side
 * (both send a FIN; a half-close after a complete request is a legal way to say "that was my last request"):
 * <ul>
 *   <li>a <b>reset</b> is a client gone: the exchange aborts now;</li>
 *   <li>an <b>end of stream after a complete request</b> is probed when nothing of the response has been written yet:
 *       rsp writes an interim {@code 100 Continue} (HTTP/1.1 clients must accept unexpected 1xx answers, RFC 9110
 *       15.2) in pieces, the status line at once and its last four bytes one by one after {@link #CHECKS_MS}. A socket
 *       that was really closed answers the first piece with a reset, and the next write fails: the exchange aborts.
 *       (A write is the only way to see the reset: once a read has returned the end of stream, the JDK's socket
 *       channel never reads the socket again.) Without a reset the client only half-closed and gets its answer, then
 *       the connection closes. A response (or rsp's own answer) that begins meanwhile first completes the interim
 *       answer ({@link #settle}); its own writes then probe the same way;</li>
 *   <li>an end of stream while the request body is not complete is left to the request pipe, which ends the exchange
 *       when it reaches it (the backend must not get a truncated request as a complete one);</li>
 *   <li>bytes (a pipelined next request) are kept in the connection's window; when it is full, reading stops until
 *       the exchange is over (and so does watching).</li>
 * </ul>
 * An HTTP/1.0 request is never probed (no 1xx there): its end of stream is taken as a half-close, and a close is
 * found only when the response is written. Loop thread only.
 */
final class ClientWatch implements LoopHandler {

    /** When the probe's last four bytes are written, one each (milliseconds after the previous write). */
    static final long[] CHECKS_MS = {1, 10, 100, 1_000};

    private static final byte[] PROBE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** The first piece: everything but the last four bytes. */
    private static final int FIRST_PIECE = PROBE.length - CHECKS_MS.length;

    private final Endpoint client;
    private final LoopContext ctx;
    private final Deadline timer = new Deadline(this);
    private Exchange watched;
    /** Bytes of the probe written so far; 0 when no probe runs. */
    private int probeSent;

    ClientWatch(Endpoint client, LoopContext ctx) {
        this.client = client;
        this.ctx = ctx;
    }

    /**
     * The client's socket is readable while {@code x} needs nothing from it.
     *
     * @param requestComplete every byte of the request is in (sent, or buffered in the window)
     * @param mayProbe        nothing of a response (interim or final) has been written and none is being written,
     *                        and the request is HTTP/1.1: an interim 100 may be written
     */
    void readable(Exchange x, boolean requestComplete, boolean mayProbe) {
        ByteBuffer in = client.input();
        if (in.limit() == in.capacity() && in.position() == 0) {
            client.wantRead(false);
            return;
        }
        if (in.limit() == in.capacity()) {
            client.compactInput();
        }
        int n;
        try {
            n = client.read();
        } catch (IOException e) {
            gone(x, "the client reset the connection");
            return;
        }
        if (n >= 0) {
            client.releaseInputIfEmpty();
            return;
        }
        client.wantRead(false);
        if (!requestComplete) {
            return;
        }
        x.count(Counter.CLIENT_HALF_CLOSED);
        if (mayProbe && write(x, FIRST_PIECE)) {
            watched = x;
            ctx.loop.arm(timer, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CHECKS_MS[0]));
        }
    }

    /**
     * Writes the probe up to {@code end}; false when the write failed, i.e. the client reset the connection (the
     * exchange is aborted then).
     */
    private boolean write(Exchange x, int end) {
        try {
            ByteBuffer piece = ByteBuffer.wrap(PROBE, probeSent, end - probeSent);
            while (piece.hasRemaining() && client.write(piece) > 0) {
                // a few bytes into an empty socket buffer: taken at once
            }
            probeSent = end - piece.remaining();
            return true;
        } catch (IOException e) {
            gone(x, "the client closed the connection");
            return false;
        }
    }

    @Override
    public void onDeadline(long now) {
        Exchange x = watched;
        if (x == null || x.done()) {
            stop();
            return;
        }
        int piece = probeSent - FIRST_PIECE;
        if (write(x, probeSent + 1) && ++piece < CHECKS_MS.length) {
            ctx.loop.arm(timer, now + TimeUnit.MILLISECONDS.toNanos(CHECKS_MS[piece]));
        } else {
            watched = null;
        }
    }

    /**
     * A response (interim or final, the backend's or rsp's own) is about to be written: a probe under way is
     * completed first so that the client reads a whole interim answer before it. A failure here is left to the
     * response's own write, which fails the same way.
     */
    void settle() {
        Exchange x = watched;
        if (x != null && probeSent > 0 && probeSent < PROBE.length) {
            try {
                ByteBuffer rest = ByteBuffer.wrap(PROBE, probeSent, PROBE.length - probeSent);
                while (rest.hasRemaining() && client.write(rest) > 0) {
                    // as above
                }
            } catch (IOException e) {
                // the client is gone: the response's write will say so
            }
        }
        stop();
    }

    /** The exchange is over (or the connection closes): nothing more to watch. */
    void stop() {
        watched = null;
        probeSent = 0;
        ctx.loop.disarm(timer);
    }

    private void gone(Exchange x, String why) {
        stop();
        x.count(Counter.CLIENT_ABORTED);
        x.clientGone(why);
    }

    @Override
    public void onReady(SelectionKey key) {
        // no socket of its own: the connection reports readiness
    }

    @Override
    public void onFailure(Throwable t) {
        Exchange x = watched;
        stop();
        if (x != null) {
            x.onFailure(t);
        }
    }
}
