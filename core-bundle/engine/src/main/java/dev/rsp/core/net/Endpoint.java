package dev.rsp.core.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

/**
 * One socket on an event loop, with its input buffer and the {@link Transport} its bytes cross.
 *
 * <p>The input buffer holds bytes read and not yet consumed in the window {@code [in.position(), in.limit())}. It is
 * taken from the loop's {@link BufferPool} on the first read and given back by {@link #releaseInputIfEmpty} or
 * {@link #close}, so an idle connection holds no buffer. Interest in reading and writing is set independently: the
 * pipe that reads from this endpoint owns the read interest, the pipe that writes to it owns the write interest.
 *
 * <p>Bulk transfers: an endpoint that {@link #allowBulk allows it} moves its empty window up to a buffer of its pool's
 * {@link BufferPool#bulk() bulk pool} during a large transfer and back when its reader stalls ({@link BulkInput}); the
 * larger buffer goes back like any other. Plain transport only: TLS records cap what a read returns anyway.
 *
 * <p>The transport is plain until {@link #startTls}; then reads return decrypted bytes, writes encrypt, and everything
 * above (parsers, pipes) is unchanged; see {@link TlsTransport}. Loop thread only.
 */
public final class Endpoint implements MessageChannel {

    private final SocketChannel channel;
    private BufferPool pool;
    private EventLoop loop;
    private Transport transport;
    private boolean tls;
    private SelectionKey key;
    private ByteBuffer in;
    /** The pool {@code in} came from and goes back to. */
    private BufferPool inPool;
    /** Null unless {@link #allowBulk} was called. */
    private BulkInput bulk;
    /** Null unless {@link #deferNoDelay} was called. */
    private LazyNoDelay noDelay;
    private int interest;
    private InetSocketAddress reached;
    private int applied;
    private boolean inputShutdown;
    private boolean closed;
    private final ByteBuffer[] one = new ByteBuffer[1];
    /** Retry-After seconds when the connection was accepted over its client's connection rate; 0 otherwise. */
    private long rateLimitedSeconds;

    public Endpoint(SocketChannel channel, BufferPool pool) {
        this.channel = channel;
        this.pool = pool;
        this.transport = new PlainTransport(channel);
    }

    public void register(EventLoop loop, LoopHandler handler, int ops) throws ClosedChannelException {
        this.loop = loop;
        interest = ops;
        applied = ops;
        key = channel.register(loop.selector(), ops, handler);
    }

    /** Points this endpoint's selection key at another handler (a pooled backend changing owner). */
    public void attach(LoopHandler handler) {
        key.attach(handler);
    }

    public SocketChannel channel() {
        return channel;
    }

    /** Lets this endpoint's input move up to a bulk buffer during large transfers (see the class comment). */
    public void allowBulk() {
        if (bulk == null) {
            bulk = new BulkInput();
        }
    }

    /**
     * The address the client reached, when a received PROXY header named one (the balancer's public address, not
     * rsp's socket); null: the socket's own local address. Loop thread only.
     */
    public InetSocketAddress reached() {
        return reached;
    }

    public void reached(InetSocketAddress address) {
        reached = address;
    }

    EventLoop loop() {
        return loop;
    }

    SelectionKey key() {
        return key;
    }

    /**
     * Switches this endpoint to TLS. The bytes in the input window (a ClientHello that was peeked at) become the
     * first ciphertext; from now on the window holds plaintext, in buffers of {@code plainPool}, which must leave
     * room for a whole record after a partly consumed window ({@link TlsEngineKind#plainRoom} on top of the usual
     * buffer size).
     *
     * @param engine    a server- or client-mode engine, not yet used; released through {@code kind} when this endpoint
     *                  closes. When this method throws, the endpoint has not taken it ({@link #isTls()} stays false)
     *                  and the caller releases it
     * @param kind      the engine's kind: buffer sizes and release
     * @param plainPool where plaintext input buffers come from
     * @param netPool   where ciphertext buffers come from: at least {@link TlsEngineKind#packetSize}
     * @param tasks     runs the engine's delegated tasks, off the loop
     */
    public void startTls(SSLEngine engine, TlsEngineKind kind, BufferPool plainPool, BufferPool netPool, Executor tasks)
            throws IOException {
        if (tls) {
            throw new IllegalStateException("TLS already started");
        }
        ByteBuffer initial = in == null ? ByteBuffer.allocate(0) : in;
        engine.beginHandshake();
        transport = new TlsTransport(this, engine, kind, netPool, tasks, initial);
        tls = true;
        if (in != null) {
            inPool.release(in);
            in = null;
        }
        pool = plainPool;
    }

    public boolean isTls() {
        return tls;
    }

    /** True while a TLS handshake is in progress on this endpoint. */
    public boolean tlsHandshaking() {
        return transport.handshaking();
    }

    /** The TLS session once its handshake completed, else null. */
    public SSLSession tlsSession() {
        return transport.session();
    }

    /**
     * Whether the completed TLS handshake resumed an earlier session rather than making a new one (as the engine's
     * kind tells it, {@link TlsEngineKind#resumed}); false for a plain endpoint and during a handshake.
     */
    public boolean tlsResumed() {
        return transport.resumed();
    }

    /**
     * The application protocol ALPN chose once the TLS handshake completed ({@code ""} when the client offered none or
     * the front answered none), else null (plain, or still handshaking).
     */
    public String tlsApplicationProtocol() {
        return transport.applicationProtocol();
    }

    /** Bytes in the window, or (TLS) whole records buffered below it: there is input to process without the socket. */
    public boolean hasBufferedInput() {
        return hasInput() || transport.hasBufferedInput();
    }

    /**
     * Bytes in the window, or (TLS) ciphertext below it, whole records or part of one: anything received and not yet
     * consumed. A connection that holds input must not be reused for another exchange.
     */
    public boolean holdsInput() {
        return hasInput() || transport.holdsInput();
    }

    /**
     * True when the last select reported this endpoint ready and the loop has not dispatched that readiness yet (it
     * is later in the same batch). Loop thread only; a set lookup, no system call.
     */
    public boolean readinessPending() {
        return key != null && key.isValid() && loop.selector().selectedKeys().contains(key);
    }

    /** True when written bytes still wait below the socket (TLS records the socket has not taken yet). */
    public boolean hasPendingOutput() {
        return transport.pendingOutput();
    }

    void markInputShutdown() {
        inputShutdown = true;
    }

    /** The input window; acquires a buffer when there is none. */
    @Override
    public ByteBuffer input() {
        if (in == null) {
            in = pool.acquire();
            inPool = pool;
            in.limit(0);
        }
        return in;
    }

    public boolean hasInput() {
        return in != null && in.hasRemaining();
    }

    @Override
    public int inputAvailable() {
        return in == null ? 0 : in.remaining();
    }

    /** True when the window cannot take more without compaction. */
    public boolean inputFull() {
        return in != null && transport.windowFull(in);
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
    @Override
    public int read() throws IOException {
        ByteBuffer b = input();
        if (b.position() == b.limit() && b.position() > 0) {
            b.position(0).limit(0);
        }
        if (inputShutdown) {
            return -1;
        }
        boolean fromEmpty = b.limit() == 0;
        if (fromEmpty && bulk != null && !tls && pool.bulk() != null) {
            Boolean up = bulk.moveBeforeRead(inPool != pool);
            if (up != null) {
                b = moveTo(up ? pool.bulk() : pool, b);
            }
        }
        int n = transport.read(b);
        if (n < 0) {
            inputShutdown = true;
        }
        if (bulk != null) {
            bulk.read(fromEmpty, n > 0 && b.limit() == b.capacity());
        }
        return n;
    }

    /** Swaps the empty window for a buffer of {@code target}: up to the bulk pool, or back to the usual pool. */
    private ByteBuffer moveTo(BufferPool target, ByteBuffer empty) {
        inPool.release(empty);
        in = target.acquire();
        inPool = target;
        in.limit(0);
        return in;
    }

    /** True once a read returned end of stream. */
    @Override
    public boolean inputShutdown() {
        return inputShutdown;
    }

    /** Gives the input buffer back to the pool when it holds no unconsumed bytes. */
    public void releaseInputIfEmpty() {
        if (in != null && !in.hasRemaining()) {
            inPool.release(in);
            in = null;
            if (bulk != null) {
                bulk.reset();
            }
        }
        transport.releaseIdle();
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        one[0] = src;
        try {
            return (int) write(one);
        } finally {
            one[0] = null;
        }
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        if (noDelay != null) {
            noDelay.beforeWrite();
        }
        return transport.write(srcs);
    }

    /** Leaves TCP_NODELAY off until it can matter (see {@link LazyNoDelay}); for client connections. */
    public void deferNoDelay() {
        noDelay = new LazyNoDelay(channel);
    }

    /** Sets TCP_NODELAY now if {@link #deferNoDelay} left it off: the connection is kept alive and will write again. */
    public void noDelay() {
        if (noDelay != null) {
            noDelay.now();
        }
    }

    @Override
    public void wantRead(boolean on) {
        if (!on && bulk != null) {
            // The reader cannot pass bytes on as fast as they come: a bulk buffer would only hold more of them.
            bulk.stalled();
        }
        setInterest(on ? interest | SelectionKey.OP_READ : interest & ~SelectionKey.OP_READ);
        if (on) {
            transport.readInterestOn();
        }
    }

    @Override
    public void wantWrite(boolean on) {
        setInterest(on ? interest | SelectionKey.OP_WRITE : interest & ~SelectionKey.OP_WRITE);
    }

    /** Drops every interest, including OP_CONNECT once a connect completed (left set, it makes select spin). */
    public void clearInterest() {
        setInterest(0);
    }

    private void setInterest(int ops) {
        if (ops != interest && key != null && key.isValid()) {
            interest = ops;
            applyInterest();
        }
    }

    /** Sets the socket's interest: what the owner wants, adjusted by the transport's own needs. */
    void applyInterest() {
        if (key == null || !key.isValid()) {
            return;
        }
        int ops = transport.effectiveInterest(interest);
        if (ops != applied) {
            applied = ops;
            key.interestOps(ops);
        }
    }

    @Override
    public void shutdownOutput() {
        transport.shutdownOutput();
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Marks a client connection accepted over its client's connection rate: the first request on it is refused with
     * 429 and {@code Retry-After: retryAfterSeconds} (the rule and its reasons are the proxy's rate admission's).
     */
    public void rateLimited(long retryAfterSeconds) {
        rateLimitedSeconds = retryAfterSeconds;
    }

    /** The mark of {@link #rateLimited}, cleared: a connection is refused once. 0 when it was not marked. */
    public long takeRateLimited() {
        long s = rateLimitedSeconds;
        rateLimitedSeconds = 0;
        return s;
    }

    /**
     * Closes the socket and gives back the input buffer; idempotent. On its loop the descriptor closes right after the
     * loop's next select ({@link EventLoop#closeDeregistered}: two system calls fewer), within the same turn.
     */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        transport.close();
        if (key != null && loop.inLoop()) {
            key.cancel();
            loop.closeDeregistered(channel);
        } else {
            if (key != null) {
                key.cancel();
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to do with a failed close
            }
        }
        if (in != null) {
            inPool.release(in);
            in = null;
        }
    }
}
