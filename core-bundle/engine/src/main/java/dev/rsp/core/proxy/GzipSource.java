package dev.rsp.core.proxy;

import dev.rsp.core.net.BufferPool;
import dev.rsp.core.net.ByteSource;
import dev.rsp.core.net.EventLoop;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A backend's response body gzipped and framed chunked, as a {@link ByteSource} the response {@link Pipe} reads
 * instead of the backend (with CHUNKED framing): each {@link #read} deflates what the backend has into one chunk in a
 * window of its own. The backend's trailers end the body as they came.
 *
 * <p>Backpressure: the pipe reads only when it wrote the whole window, and this source reads the backend only when the
 * deflater took all it was given; {@link #wantRead} passes to the backend. So a slow client stops the backend being
 * read, and a compressed response holds at most the backend's one window, one buffer of the loop's pool and the
 * deflater's state (about 256 KB of native memory at zlib's defaults). When the backend has nothing more for now, what
 * was deflated is flushed (SYNC_FLUSH), so a body that trickles reaches the client as it comes.
 *
 * <p>Fairness: after {@link #YIELD_INPUT} backend bytes a read answers "nothing now", so the pipe gives the loop back;
 * that, and any work that waits on no socket (input the deflater did not take yet, a flush or the end not yet written
 * when the pipe yielded), is resumed through the loop's task queue, after the other connections' ready keys, since
 * the selector would never report it.
 *
 * <p>Ownership: the window buffer and the deflater's native memory are this source's, given back by {@link #close}:
 * the relay closes it when the response is done and, in any case, when the exchange ends (done, client gone, backend
 * broken, timeout). Loop thread only.
 */
final class GzipSource implements ByteSource {

    private static final AtomicInteger LIVE = new AtomicInteger();
    /** ID1 ID2, CM deflate, no flags, no mtime, XFL 0, OS unknown (RFC 1952). */
    private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    /** Room before the data for its chunk-size line: up to 6 hex digits (a window of at most 1 MB) and CRLF. */
    private static final int SIZE_ROOM = 8;
    private static final byte[] CRLF = {'\r', '\n'};
    /**
     * Backend bytes deflated before the pipe is made to yield to the loop's other connections (deflating costs far
     * more than copying: about a millisecond for this much at level 5).
     */
    static final int YIELD_INPUT = 64 * 1024;

    private final BodyPieces body;
    private final ByteSource backend;
    private final Deflater deflater;
    private final CRC32 crc = new CRC32();
    private final BufferPool pool;
    private final EventLoop loop;
    private final Runnable resume;
    private final ProxyCounters counters;
    private ByteBuffer window;
    private boolean headerWritten;
    private boolean unflushed;
    private boolean flushing;
    private boolean finishing;
    private boolean trailerWritten;
    private boolean lastChunkWritten;
    private boolean truncated;
    private boolean ended;
    private boolean closed;
    private boolean resumeQueued;
    private boolean yielded;
    private long inputSinceYield;
    private long bytesIn;
    private long bytesOut;

    /**
     * @param resume runs the response pipe again (on the loop); called only while this source is open
     */
    GzipSource(BodyPieces body, ByteSource backend, int level, EventLoop loop, Runnable resume, ProxyCounters counters) {
        this.body = body;
        this.backend = backend;
        this.deflater = new Deflater(level, true);
        this.pool = loop.buffers();
        this.loop = loop;
        this.resume = resume;
        this.counters = counters;
        LIVE.incrementAndGet();
        counters.count(Counter.COMPRESSION_RESPONSES);
    }

    /** Compressing responses in this JVM now (open sources): what {@code compression.max.active} bounds. */
    static int live() {
        return LIVE.get();
    }

    @Override
    public ByteBuffer input() {
        if (window == null) {
            window = pool.acquire();
            window.limit(0);
        }
        return window;
    }

    @Override
    public int inputAvailable() {
        return window == null ? 0 : window.remaining();
    }

    /** Deflates into the next chunk when the window is empty; -1 once the backend's body is known to be cut short. */
    @Override
    public int read() throws IOException {
        if (ended || closed) {
            return -1;
        }
        ByteBuffer w = input();
        if (w.hasRemaining() || lastChunkWritten) {
            return 0;
        }
        if (inputSinceYield >= YIELD_INPUT) {
            // "Nothing now": the pipe asks for read readiness, and wantRead queues the resume after other connections.
            inputSinceYield = 0;
            yielded = true;
            return 0;
        }
        yielded = false;
        w.clear().position(SIZE_ROOM).limit(w.capacity() - CRLF.length);
        fill(w);
        int begin = SIZE_ROOM;
        int data = w.position() - SIZE_ROOM;
        w.limit(w.capacity());
        if (data > 0) {
            String size = Integer.toHexString(data);
            begin = SIZE_ROOM - size.length() - CRLF.length;
            for (int i = 0; i < size.length(); i++) {
                w.put(begin + i, (byte) size.charAt(i));
            }
            w.put(SIZE_ROOM - 2, CRLF);
            w.put(CRLF);
        }
        if (trailerWritten) {
            lastChunk(w);
        }
        int end = w.position();
        w.position(begin).limit(end);
        if (end == begin && truncated) {
            ended = true;
            return -1;
        }
        return end - begin;
    }

    /** Deflates into {@code w} (from its position to its limit) until it is full or there is nothing more now. */
    private void fill(ByteBuffer w) throws IOException {
        if (!headerWritten) {
            w.put(GZIP_HEADER);
            headerWritten = true;
            bytesOut += GZIP_HEADER.length;
        }
        while (w.hasRemaining()) {
            if (body.holding()) {
                if (!deflater.needsInput()) {
                    deflate(w, Deflater.NO_FLUSH);
                    continue;
                }
                body.took();
            }
            if (flushing) {
                deflate(w, Deflater.SYNC_FLUSH);
                if (w.hasRemaining()) {
                    flushing = false;
                    return;
                }
                continue;
            }
            if (finishing) {
                if (!deflater.finished()) {
                    deflate(w, Deflater.NO_FLUSH);
                } else if (!trailerWritten && w.remaining() >= 8) {
                    w.order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue()).putInt((int) bytesIn)
                            .order(java.nio.ByteOrder.BIG_ENDIAN);
                    bytesOut += 8;
                    trailerWritten = true;
                    return;
                } else {
                    return;
                }
                continue;
            }
            if (inputSinceYield >= YIELD_INPUT) {
                return;
            }
            switch (body.next()) {
                case DATA -> {
                    ByteBuffer piece = body.piece();
                    int start = piece.position();
                    crc.update(piece);
                    bytesIn += piece.position() - start;
                    inputSinceYield += piece.position() - start;
                    piece.position(start);
                    deflater.setInput(piece);
                    unflushed = true;
                }
                case NONE -> {
                    if (!unflushed) {
                        return;
                    }
                    unflushed = false;
                    flushing = true;
                }
                case END -> {
                    deflater.finish();
                    finishing = true;
                }
                case TRUNCATED -> {
                    truncated = true;
                    return;
                }
            }
        }
    }

    private void deflate(ByteBuffer w, int flush) {
        bytesOut += deflater.deflate(w, flush);
    }

    /** The last chunk and the backend's trailers, when they fit after the data; else the next read writes them. */
    private void lastChunk(ByteBuffer w) {
        List<String[]> trailers = body.trailers();
        int size = 5;
        for (String[] t : trailers) {
            size += t[0].length() + t[1].length() + 4;
        }
        boolean withTrailers = size <= w.capacity() - SIZE_ROOM;
        if (w.remaining() < (withTrailers ? size : 5)) {
            return;
        }
        HeadWriter.ascii(w, "0\r\n");
        if (withTrailers) {
            for (String[] t : trailers) {
                HeadWriter.ascii(w, t[0]);
                HeadWriter.ascii(w, ": ");
                HeadWriter.ascii(w, t[1]);
                w.put(CRLF);
            }
        }
        w.put(CRLF);
        lastChunkWritten = true;
    }

    @Override
    public boolean inputShutdown() {
        return ended;
    }

    /**
     * Passes to the backend; when the pipe asks for input while work waits here that no socket will report, the pipe
     * is resumed from the loop's task queue (once per request).
     */
    @Override
    public void wantRead(boolean on) {
        backend.wantRead(on);
        if (on && !resumeQueued && workWaiting()) {
            resumeQueued = true;
            loop.execute(() -> {
                resumeQueued = false;
                if (!closed) {
                    resume.run();
                }
            });
        }
    }

    private boolean workWaiting() {
        if (closed || ended || lastChunkWritten) {
            return false;
        }
        return yielded || flushing || finishing || truncated || !deflater.needsInput() || body.progressWithoutSocket();
    }

    /**
     * Gives back the window buffer and the deflater's native memory and counts the bytes; idempotent. The pipe must
     * not read the window afterwards.
     */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        deflater.end();
        LIVE.decrementAndGet();
        if (window != null) {
            pool.release(window);
            window = null;
        }
        counters.add(Counter.COMPRESSION_BYTES_IN, bytesIn);
        counters.add(Counter.COMPRESSION_BYTES_OUT, bytesOut);
    }
}
