package dev.rsp.core.net;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where a pipe takes a message's bytes from: a window of bytes received and not yet consumed, and a way to receive
 * more. An {@link Endpoint} is one (its socket); an HTTP/2 stream will be another (its DATA frames).
 *
 * <p>Backpressure contract: the pipe consumes from {@link #input()} only what its sink took; what is left stays in the
 * window. While the sink cannot take more, the pipe calls {@code wantRead(false)} and the source must not make the
 * pipe run for input (a socket drops read interest; a stream stops granting flow-control credit); {@code wantRead(true)}
 * asks to be run when more can be read. So a direction never holds more than one window of the source plus what the
 * sink buffers itself. Loop thread only.
 */
public interface ByteSource {

    /** The window: bytes from position to limit are received and not consumed. May acquire a buffer. */
    ByteBuffer input();

    /** Bytes in the window (0 without acquiring a buffer). */
    int inputAvailable();

    /**
     * Receives more into the free space after the window.
     *
     * @return bytes added, 0 when none now (or no room), -1 when the source ended
     */
    int read() throws IOException;

    /** True once the source ended (a read returned -1). */
    boolean inputShutdown();

    /** Asks to be run when more can be read ({@code true}), or stops being read until asked again ({@code false}). */
    void wantRead(boolean on);
}
