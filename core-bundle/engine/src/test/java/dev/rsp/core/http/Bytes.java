package dev.rsp.core.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/** Test fixtures: buffers holding a message, and feeding a buffer to a parser as if its bytes arrived in pieces. */
final class Bytes {
    private Bytes() {
    }

    static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A heap buffer with the message at position 0, limit at its end. */
    static ByteBuffer of(String message) {
        return ByteBuffer.wrap(latin1(message));
    }

    /** A buffer where {@code offset} bytes of other data precede the message; position = offset. */
    static ByteBuffer at(int offset, byte[] message, boolean direct) {
        ByteBuffer buf = direct ? ByteBuffer.allocateDirect(offset + message.length)
                : ByteBuffer.allocate(offset + message.length);
        for (int i = 0; i < offset; i++) {
            buf.put((byte) 'x');
        }
        buf.put(message);
        buf.flip();
        buf.position(offset);
        return buf;
    }

    /** The range [start,end) of the buffer as a string. */
    static String range(ByteBuffer buf, int start, int end) {
        StringBuilder s = new StringBuilder();
        for (int i = start; i < end; i++) {
            s.append((char) (buf.get(i) & 0xFF));
        }
        return s.toString();
    }

    /**
     * Makes the buffer's bytes readable in steps, the limit moving to each cut and then to the end, calling the
     * parser after each step as the engine would; returns the last status. Stops early on DONE or REJECT.
     */
    static ParseStatus feed(ByteBuffer buf, int[] cuts, Function<ByteBuffer, ParseStatus> parser) {
        int end = buf.limit();
        ParseStatus status = ParseStatus.NEED_MORE;
        for (int cut : cuts) {
            buf.limit(buf.position() + cut);
            status = parser.apply(buf);
            if (status != ParseStatus.NEED_MORE) {
                buf.limit(end);
                return status;
            }
        }
        buf.limit(end);
        return parser.apply(buf);
    }

    /** Cuts for feeding one byte per call. */
    static int[] oneByOne(int length) {
        int[] cuts = new int[length];
        for (int i = 0; i < length; i++) {
            cuts[i] = i + 1;
        }
        return cuts;
    }

    /** A description of everything a parser reported, offsets relative to where the head started. */
    static String describe(ParseStatus status, HttpHead head, Rejection rejection, ByteBuffer buf) {
        StringBuilder s = new StringBuilder(status.name());
        if (status == ParseStatus.REJECT) {
            return s.append(' ').append(rejection).toString();
        }
        if (status == ParseStatus.NEED_MORE) {
            return s.toString();
        }
        int base = buf.position();
        s.append(" head=").append(head.headStart() - base).append('-').append(head.headEnd() - base)
                .append(" line=").append(range(buf, head.headStart(), head.startLineEnd()))
                .append(" method=").append(head.method()).append(" target=").append(head.target())
                .append(" sent=").append(range(buf, head.targetStart(), head.targetEnd()))
                .append(" abs=").append(head.absoluteForm()).append(" authority=").append(head.authority())
                .append(" minor=").append(head.versionMinor()).append(" status=").append(head.status())
                .append(" cl=").append(head.contentLength()).append(" chunked=").append(head.chunked())
                .append(" close=").append(head.connectionClose()).append(" ka=").append(head.connectionKeepAlive())
                .append(" up=").append(head.connectionUpgrade()).append('/').append(head.upgrade())
                .append(" expect=").append(head.expectContinue()).append(" host=").append(head.host());
        for (int i = 0; i < head.headerCount(); i++) {
            s.append(" [").append(range(buf, head.nameStart(i), head.nameEnd(i))).append('|')
                    .append(head.value(buf, i)).append('|')
                    .append(range(buf, head.lineStart(i), head.lineEnd(i))).append('|')
                    .append(head.hopByHop(i)).append(']');
        }
        return s.toString();
    }
}
