package dev.rsp.core.net;

import java.nio.ByteBuffer;

/**
 * One side of a connection as the exchange sees it while it reads a head and pipes bodies: bytes in through a window
 * ({@link ByteSource}) and bytes out ({@link ByteSink}). An {@link Endpoint} is one (its socket); an HTTP/2 stream to
 * a backend is another (its frames, translated). Loop thread only.
 */
public interface MessageChannel extends ByteSource, ByteSink {

    /** True when the window holds bytes not yet consumed (never acquires a buffer). */
    boolean hasInput();

    /** True when the window cannot take more without {@link #compactInput}. */
    boolean inputFull();

    /**
     * Moves the window to the start of its buffer; absolute offsets into it (a half-parsed head) are void afterwards.
     */
    void compactInput();

    /** {@inheritDoc} */
    @Override
    ByteBuffer input();
}
