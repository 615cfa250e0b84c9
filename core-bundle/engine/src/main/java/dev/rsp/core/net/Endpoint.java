package dev.rsp.core.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One socket on an event loop, with its input buffer.
 *
 * <p>The input buffer holds bytes read and not yet consumed in the window {@code [in.position(), in.limit())}. It is
 * taken from the loop's {@link BufferPool} on the first read and given back by {@link #releaseInputIfEmpty} or
 * {@link #close}, so an idle connection holds no buffer. Interest in reading and writing is set independently: the
 * pipe that reads from this endpoint owns the read interest, the pipe that writes to it owns the write interest.
 * Loop thread only.
 */
public final class Endpoint {

    private final SocketChannel channel;
    private final BufferPool pool;
    private SelectionKey key;
    private ByteBuffer in;
    private int interest;
    private boolean inputShutdown;
    private boolean closed;

    public Endpoint(SocketChannel channel, BufferPool pool) {
        this.channel = channel;
        this.pool = pool;
    }

    public void register(EventLoop loop, LoopHandler handler, int ops) throws ClosedChannelException {
        interest = ops;
        key = channel.register(loop.selector(), ops, handler);
    }

    /** Points this endpoint's selection key at another handler (a pooled backend changing owner). */
    public void attach(LoopHandler handler) {
        key.attach(handler);
    }

    public SocketChannel channel() {
        return channel;
    }

    /** The input window; acquires a buffer when there is none. */
    public ByteBuffer input() {
        if (in == null) {
            in = pool.acquire();
            in.limit(0);
        }
        return in;
    }

    public boolean hasInput() {
        return in != null && in.hasRemaining();
    }

    public int inputAvailable() {
        return in == null ? 0 : in.remaining();
    }

    /** True when the window reaches the end of the buffer and cannot take more without compaction. */
    public boolean inputFull() {
        return in != null && in.limit() == in.capacity();
    }

    /**
     * Moves the window to the start of the buffer. Absolute offsets into the window (a half-parsed head) are void
     * afterwards: the caller restarts its parse.
     */
    public void compactInput() {
        if (in != null && in.position() > 0) {
            in.compact();
            in.flip();
        }
    }

    /**
     * Reads what the socket has into the free space after the window.
     *
     * @return bytes read, 0 when nothing was available or there is no free space, -1 at end of stream
     */
    public int read() throws IOException {
        ByteBuffer b = input();
        if (b.position() == b.limit() && b.position() > 0) {
            b.position(0).limit(0);
        }
        if (b.limit() == b.capacity()) {
            return 0;
        }
        int start = b.position();
        b.position(b.limit()).limit(b.capacity());
        int n;
        try {
            n = channel.read(b);
        } finally {
            b.limit(b.position()).position(start);
        }
        if (n < 0) {
            inputShutdown = true;
        }
        return n;
    }

    /** True once a read returned end of stream. */
    public boolean inputShutdown() {
        return inputShutdown;
    }

    /** Gives the input buffer back to the pool when it holds no unconsumed bytes. */
    public void releaseInputIfEmpty() {
        if (in != null && !in.hasRemaining()) {
            pool.release(in);
            in = null;
        }
    }

    public int write(ByteBuffer src) throws IOException {
        return channel.write(src);
    }

    public long write(ByteBuffer[] srcs) throws IOException {
        return channel.write(srcs);
    }

    public void wantRead(boolean on) {
        setInterest(on ? interest | SelectionKey.OP_READ : interest & ~SelectionKey.OP_READ);
    }

    public void wantWrite(boolean on) {
        setInterest(on ? interest | SelectionKey.OP_WRITE : interest & ~SelectionKey.OP_WRITE);
    }

    /** Drops every interest, including OP_CONNECT once a connect completed (left set, it makes select spin). */
    public void clearInterest() {
        setInterest(0);
    }

    public int interest() {
        return interest;
    }

    private void setInterest(int ops) {
        if (ops != interest && key != null && key.isValid()) {
            interest = ops;
            key.interestOps(ops);
        }
    }

    public void shutdownOutput() {
        try {
            channel.shutdownOutput();
        } catch (IOException ignored) {
            // the peer is gone already: close() follows
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /** Closes the socket and gives back the input buffer; idempotent. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to do with a failed close
        }
        if (in != null) {
            pool.release(in);
            in = null;
        }
    }
}
