package dev.rsp.core.net;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where a pipe puts a message's bytes: an {@link Endpoint} (its socket) now, an HTTP/2 stream (DATA frames within its
 * flow-control window) later.
 *
 * <p>Backpressure contract: a write takes what the sink can take now and reports how much, possibly nothing; the pipe
 * keeps the rest where it is and calls {@code wantWrite(true)}, and the sink must run the pipe again when it can take
 * more (a socket's write readiness, a WINDOW_UPDATE); {@code wantWrite(false)} when the pipe has nothing waiting. A
 * sink never buffers without bound on the pipe's behalf. Loop thread only.
 */
public interface ByteSink {

    /** Writes what can be written now; returns the bytes of {@code src} taken. */
    int write(ByteBuffer src) throws IOException;

    /** Writes what can be written now, in order; returns the bytes of {@code srcs} taken. */
    long write(ByteBuffer[] srcs) throws IOException;

    /** Asks to be run when more can be written ({@code true}), or stops asking ({@code false}). */
    void wantWrite(boolean on);

    /** No more bytes will be written (a tunnel's side ended): a socket shuts its output, a stream ends. */
    void shutdownOutput();
}
