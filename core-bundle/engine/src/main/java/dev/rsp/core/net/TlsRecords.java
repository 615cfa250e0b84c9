package dev.rsp.core.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLException;

/**
 * The ciphertext side of one TLS connection: {@code in} holds records read from the socket and not yet decrypted,
 * {@code out} at most one batch of encrypted records not yet taken by the socket. Both come from a pool sized for the
 * engine kind (at least one whole record) and go back to it when they hold nothing, so an idle connection keeps no
 * ciphertext buffer. Knows nothing of the engine: {@link TlsTransport} decides what to decrypt and encrypt.
 * Loop thread only.
 */
final class TlsRecords {

    private final BufferPool pool;
    /** Read mode: position..limit are ciphertext not yet given to the engine; null when none is held. */
    private ByteBuffer in;
    /** Read mode: position..limit are records the socket has not taken yet; null when none is held. */
    private ByteBuffer out;
    /** {@code in} holds only part of a record: decrypting waits for the socket. */
    private boolean inPartial;
    /** The last socket read filled less than the room it had: the socket had nothing more then. */
    private boolean lastReadShort;

    TlsRecords(BufferPool pool, ByteBuffer initial) {
        this.pool = pool;
        if (initial.hasRemaining()) {
            in = pool.acquire();
            in.put(initial);
            in.flip();
        }
    }

    /** True when {@code in} holds at least one whole record not yet decrypted. */
    boolean hasWholeRecord() {
        return in != null && in.hasRemaining() && !inPartial;
    }

    /** True when {@code in} holds ciphertext, whole records or part of one. */
    boolean holdsInput() {
        return in != null && in.hasRemaining();
    }

    /** True when decrypting needs more bytes from the socket first. */
    boolean needsSocket() {
        return in == null || !in.hasRemaining() || inPartial;
    }

    /** The content type of the first buffered record; only valid when {@link #needsSocket()} is false. */
    byte firstRecordType() {
        return in.get(in.position());
    }

    /** The ciphertext to decrypt, positioned at the first byte not yet given to the engine. */
    ByteBuffer in() {
        return in;
    }

    /** After an unwrap: an emptied buffer restarts at 0, so the next socket read has the whole buffer. */
    void unwrapped() {
        if (!in.hasRemaining()) {
            in.position(0).limit(0);
        }
    }

    /** The engine reported BUFFER_UNDERFLOW: wait for the socket, unless no record of that size can ever fit. */
    void partialRecord() throws SSLException {
        if (in.position() == 0 && in.limit() == in.capacity()) {
            throw tooLarge();
        }
        inPartial = true;
    }

    /** Reads from the socket after the buffered ciphertext; returns the channel's count (-1 at end of stream). */
    int readSocket(SocketChannel channel) throws IOException {
        if (in == null) {
            in = pool.acquire();
            in.limit(0);
        } else if (in.position() > 0) {
            in.compact();
            in.flip();
        }
        if (in.limit() == in.capacity()) {
            throw tooLarge();
        }
        int start = in.position();
        int room = in.capacity() - in.limit();
        in.position(in.limit()).limit(in.capacity());
        int n;
        try {
            n = channel.read(in);
        } finally {
            in.limit(in.position()).position(start);
        }
        if (n > 0) {
            inPartial = false;
        }
        lastReadShort = n < room;
        return n;
    }

    /** Whether the last {@link #readSocket} took less than it had room for (so the socket was empty then). */
    boolean lastReadShort() {
        return lastReadShort;
    }

    private SSLException tooLarge() {
        return new SSLException("TLS record larger than " + in.capacity() + " bytes");
    }

    /** True when encrypted records still wait for the socket. */
    boolean hasOutput() {
        return out != null && out.hasRemaining();
    }

    /** An empty buffer in write mode for the engine to wrap into; {@link #wrapped()} turns it to read mode. */
    ByteBuffer outForWrap() {
        if (out == null) {
            out = pool.acquire();
        }
        out.clear();
        return out;
    }

    void wrapped() {
        out.flip();
    }

    /** Writes the waiting records; true when the socket took them all. */
    boolean send(SocketChannel channel) throws IOException {
        if (out != null && out.hasRemaining()) {
            channel.write(out);
            return !out.hasRemaining();
        }
        return true;
    }

    /** A buffer of this pool for a moment's use (plaintext gathered before a wrap); back with {@link #giveBack}. */
    ByteBuffer borrow() {
        return pool.acquire();
    }

    void giveBack(ByteBuffer borrowed) {
        pool.release(borrowed);
    }

    /** Gives back the buffers that hold nothing. */
    void releaseIdle() {
        if (in != null && !in.hasRemaining()) {
            pool.release(in);
            in = null;
            inPartial = false;
        }
        releaseEmptyOut();
    }

    void releaseEmptyOut() {
        if (out != null && !out.hasRemaining()) {
            pool.release(out);
            out = null;
        }
    }

    /** Gives back both buffers, whatever they hold. */
    void releaseAll() {
        if (in != null) {
            pool.release(in);
            in = null;
        }
        if (out != null) {
            pool.release(out);
            out = null;
        }
    }
}
