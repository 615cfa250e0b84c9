package dev.rsp.core.proxy;

import dev.rsp.core.net.ByteSource;
import java.nio.ByteBuffer;

/**
 * The request body of an HTTP/2 stream whose HEADERS ended it: there is nothing to read, and the exchange's request
 * pipe (framing none) never reads it. One shared instance, stateless (its window has no capacity, so nothing can be
 * written to it); it spares such a stream an {@link H2Body}. Any thread.
 */
final class NoRequestBody implements ByteSource {

    static final NoRequestBody INSTANCE = new NoRequestBody();

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private NoRequestBody() {
    }

    @Override
    public ByteBuffer input() {
        return EMPTY;
    }

    @Override
    public int inputAvailable() {
        return 0;
    }

    /** Always -1: the body is complete (empty) and taken. */
    @Override
    public int read() {
        return -1;
    }

    /** False, as for a body: the client's side of the stream ended normally, it did not go away. */
    @Override
    public boolean inputShutdown() {
        return false;
    }

    @Override
    public void wantRead(boolean on) {
    }
}
