package dev.rsp.core.proxy;

import dev.rsp.core.h2.SessionProgress;
import dev.rsp.core.net.Endpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The reading half of an HTTP/2 connection's socket, to a client ({@link H2Connection}) or to a backend
 * ({@link H2BackendConnection}): reads into the endpoint's window and feeds the session, at most
 * {@link #ROUNDS} rounds per call so that one busy connection does not hold the loop; stops reading while the session
 * waits for the control frames it owes to be written (its BLOCKED). It reports how reading ended; what that means is
 * the connection's to decide. Loop thread only.
 */
final class H2SocketInput {

    static final int ROUNDS = 16;

    /** How a {@link #read} ended. */
    enum End {
        /** The socket has nothing more now; read interest is on. */
        WAITING,
        /** Reading stopped until the owed output is written (read interest off): resume when a flush drains it. */
        PAUSED,
        /** The rounds ran out, maybe with input in the window: read again from the loop's task queue. */
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
    private IOException failure;

    /** @param session feeds a window to the session ({@code onInput}), and whatever the connection does with it */
    H2SocketInput(Endpoint endpoint, Function<ByteBuffer, SessionProgress> session, H2Output output, BooleanSupplier closed) {
        this.endpoint = endpoint;
        this.session = session;
        this.output = output;
        this.closed = closed;
    }

    End read() {
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
