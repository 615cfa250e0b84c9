package dev.rsp.core.proxy;

import dev.rsp.core.h2.SessionProgress;
import dev.rsp.core.net.Endpoint;
import dev.rsp.core.net.EventLoop;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The reading half of an HTTP/2 connection's socket, to a client ({@link H2Connection}) or to a backend
 * ({@link H2BackendConnection}): reads into the endpoint's window and feeds the session, at most
 * {@link #ROUNDS} rounds per call so that one busy connection does not hold the loop; stops reading while the session
 * waits for the control frames it owes to be written (its BLOCKED) and goes on once a flush drained them
 * ({@link #drained}); when its rounds run out it goes on from the loop's task queue (input already in the window is
 * announced by no readiness). Going on is the connection's {@code resume} pass (read, then write what is owed). It
 * reports how reading ended; what a close or a failure means is the connection's to decide. Loop thread only.
 */
final class H2SocketInput {

    static final int ROUNDS = 16;

    /** How a {@link #read} ended. */
    enum End {
        /** The socket has nothing more now; read interest is on. */
        WAITING,
        /** Reading stopped until the owed output is written (read interest off); {@link #drained} resumes it. */
        PAUSED,
        /** The rounds ran out, maybe with input in the window: a resume is queued on the loop. */
        YIELDED,
        /** The connection closed meanwhile (a session callback closed it). */
        STOPPED,
        /** A connection error: the session's GOAWAY was written as far as the socket took it. */
        SESSION_CLOSED,
        /** The peer closed its side. */
        PEER_CLOSED,
        /** Reading failed: {@link #failure()}. */
        READ_FAILED
    }

    private final Endpoint endpoint;
    private final Function<ByteBuffer, SessionProgress> session;
    private final H2Output output;
    private final BooleanSupplier closed;
    private final EventLoop loop;
    private final Runnable resumeTask;
    private IOException failure;
    private boolean paused;
    private boolean resumeQueued;

    /**
     * @param session feeds a window to the session ({@code onInput}), and whatever the connection does with it
     * @param resume  the connection's pass that reads (through {@link #read}) and writes what is owed
     */
    H2SocketInput(Endpoint endpoint, Function<ByteBuffer, SessionProgress> session, H2Output output, BooleanSupplier closed,
            EventLoop loop, Runnable resume) {
        this.endpoint = endpoint;
        this.session = session;
        this.output = output;
        this.closed = closed;
        this.loop = loop;
        this.resumeTask = () -> {
            resumeQueued = false;
            if (!closed.getAsBoolean() && !paused) {
                resume.run();
            }
        };
    }

    /** True while reading waits for the owed output to be written: a readiness must not read. */
    boolean paused() {
        return paused;
    }

    /** The output was written: reading that stopped for it goes on. */
    void drained() {
        if (paused) {
            paused = false;
            resumeSoon();
        }
    }

    private void resumeSoon() {
        if (!resumeQueued) {
            resumeQueued = true;
            loop.execute(resumeTask);
        }
    }

    End read() {
        End end = readRounds();
        if (end == End.PAUSED) {
            paused = true;
        } else if (end == End.YIELDED) {
            resumeSoon();
        }
        return end;
    }

    private End readRounds() {
        for (int round = 0; round < ROUNDS; round++) {
            if (closed.getAsBoolean()) {
                return End.STOPPED;
            }
            ByteBuffer w = endpoint.input();
            if (w.hasRemaining()) {
                SessionProgress p = session.apply(w);
                if (p == SessionProgress.CLOSE) {
                    output.writeControl();
                    output.flush();
                    return End.SESSION_CLOSED;
                }
                if (p == SessionProgress.BLOCKED) {
                    if (!output.writeControl() || !output.flush()) {
                        endpoint.wantRead(false);
                        return End.PAUSED;
                    }
                    continue;
                }
            }
            if (endpoint.inputFull()) {
                endpoint.compactInput();
            }
            int n;
            try {
                n = endpoint.read();
            } catch (IOException e) {
                failure = e;
                return End.READ_FAILED;
            }
            if (n < 0) {
                return End.PEER_CLOSED;
            }
            if (n == 0) {
                endpoint.releaseInputIfEmpty();
                endpoint.wantRead(true);
                return End.WAITING;
            }
        }
        return closed.getAsBoolean() ? End.STOPPED : End.YIELDED;
    }

    IOException failure() {
        return failure;
    }
}
