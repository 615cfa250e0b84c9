package dev.rsp.core.net;

import java.nio.ByteBuffer;

/**
 * Gathers plaintext spread over several buffers (an answer's head and body) into one buffer before it is encrypted, so
 * it goes out as one TLS record. Netty's OpenSSL engine encrypts one source buffer per {@code wrap}: a head and a body
 * became two records and two socket writes, and the client decrypted two records (about a third more client CPU per
 * small keep-alive answer under wrk). The JDK's engine gathers by itself; the copy is a few hundred bytes. Loop thread
 * only.
 */
final class RecordGather {

    /** Plaintext of one TLS record at most (RFC 8446 5.1). */
    static final int MAX_PLAINTEXT = 16_384;

    private RecordGather() {
    }

    /** Whether {@code srcs} hold bytes in more than one buffer and the first of them is less than a whole record. */
    static boolean worthIt(ByteBuffer[] srcs) {
        int nonEmpty = 0;
        for (ByteBuffer b : srcs) {
            if (b.hasRemaining()) {
                if (nonEmpty == 0 && b.remaining() >= MAX_PLAINTEXT) {
                    return false;
                }
                if (++nonEmpty > 1) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Copies up to one record's plaintext (and what {@code into} holds room for) from {@code srcs}, without consuming it. */
    static ByteBuffer copy(ByteBuffer[] srcs, ByteBuffer into) {
        into.clear();
        into.limit(Math.min(into.capacity(), MAX_PLAINTEXT));
        for (ByteBuffer b : srcs) {
            if (!into.hasRemaining()) {
                break;
            }
            int n = Math.min(b.remaining(), into.remaining());
            // an absolute bulk put: neither buffer's position moves, and no duplicate is made per write
            into.put(into.position(), b, b.position(), n);
            into.position(into.position() + n);
        }
        return into.flip();
    }

    /** Moves {@code srcs} past the {@code consumed} bytes the engine took of the copy. */
    static void consume(ByteBuffer[] srcs, int consumed) {
        int left = consumed;
        for (ByteBuffer b : srcs) {
            int k = Math.min(left, b.remaining());
            b.position(b.position() + k);
            left -= k;
            if (left == 0) {
                return;
            }
        }
    }
}
