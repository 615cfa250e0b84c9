package dev.rsp.core.h2;

import java.nio.ByteBuffer;

/**
 * Writes HTTP/2 frames (RFC 9113 §6) into a buffer at its position. Each method writes a whole frame (or, for a field
 * block, all its frames) or nothing: it returns false, leaving the buffer unchanged, when {@code out} has too little
 * room. Nothing is allocated. Stateless; any thread.
 */
public final class FrameWriter {

    private FrameWriter() {
    }

    /** The frame header: 24-bit length, type, flags, 31-bit stream identifier. */
    static void header(ByteBuffer out, int length, int type, int flags, int streamId) {
        out.put((byte) (length >>> 16)).put((byte) (length >>> 8)).put((byte) length)
                .put((byte) type).put((byte) flags).putInt(streamId & 0x7fff_ffff);
    }

    /** SETTINGS with the parameters {@code s} has set ({@link Settings#has}), in identifier order. */
    public static boolean settings(ByteBuffer out, Settings s) {
        int length = 6 * s.count();
        if (out.remaining() < FrameType.HEADER_LENGTH + length) {
            return false;
        }
        header(out, length, FrameType.SETTINGS, 0, 0);
        for (int id = 1; Settings.known(id); id++) {
            if (s.has(id)) {
                out.putShort((short) id).putInt((int) s.get(id));
            }
        }
        return true;
    }

    public static boolean settingsAck(ByteBuffer out) {
        if (out.remaining() < FrameType.HEADER_LENGTH) {
            return false;
        }
        header(out, 0, FrameType.SETTINGS, Flags.ACK, 0);
        return true;
    }

    public static boolean ping(ByteBuffer out, long opaque, boolean ack) {
        if (out.remaining() < FrameType.HEADER_LENGTH + 8) {
            return false;
        }
        header(out, 8, FrameType.PING, ack ? Flags.ACK : 0, 0);
        out.putLong(opaque);
        return true;
    }

    /** GOAWAY without debug data. */
    public static boolean goAway(ByteBuffer out, int lastStreamId, ErrorCode code) {
        if (out.remaining() < FrameType.HEADER_LENGTH + 8) {
            return false;
        }
        header(out, 8, FrameType.GOAWAY, 0, 0);
        out.putInt(lastStreamId & 0x7fff_ffff).putInt(code.code());
        return true;
    }

    public static boolean rstStream(ByteBuffer out, int streamId, ErrorCode code) {
        if (out.remaining() < FrameType.HEADER_LENGTH + 4) {
            return false;
        }
        header(out, 4, FrameType.RST_STREAM, 0, streamId);
        out.putInt(code.code());
        return true;
    }

    /** WINDOW_UPDATE for a stream, or the connection (stream 0); {@code increment} from 1 to 2^31-1. */
    public static boolean windowUpdate(ByteBuffer out, int streamId, int increment) {
        if (out.remaining() < FrameType.HEADER_LENGTH + 4) {
            return false;
        }
        header(out, 4, FrameType.WINDOW_UPDATE, 0, streamId);
        out.putInt(increment & 0x7fff_ffff);
        return true;
    }

    /**
     * One DATA frame carrying the next {@code length} bytes of {@code src} (which it consumes), unpadded. The caller
     * keeps {@code length} within the peer's MAX_FRAME_SIZE and the flow-control windows.
     */
    public static boolean data(ByteBuffer out, int streamId, ByteBuffer src, int length, boolean endStream) {
        if (out.remaining() < FrameType.HEADER_LENGTH + length || src.remaining() < length) {
            return false;
        }
        header(out, length, FrameType.DATA, endStream ? Flags.END_STREAM : 0, streamId);
        int limit = src.limit();
        src.limit(src.position() + length);
        out.put(src);
        src.limit(limit);
        return true;
    }

    /** The bytes a field block of {@code blockLength} takes as HEADERS and CONTINUATION frames. */
    public static int headersLength(int blockLength, int maxFrameSize) {
        int frames = Math.max(1, (blockLength + maxFrameSize - 1) / maxFrameSize);
        return blockLength + frames * FrameType.HEADER_LENGTH;
    }

    /**
     * A field block (already HPACK-encoded: {@code block} from position to limit, consumed) as one HEADERS frame and
     * as many CONTINUATION frames as the peer's {@code maxFrameSize} calls for, END_HEADERS on the last.
     */
    public static boolean headers(ByteBuffer out, int streamId, ByteBuffer block, boolean endStream, int maxFrameSize) {
        if (out.remaining() < headersLength(block.remaining(), maxFrameSize)) {
            return false;
        }
        int type = FrameType.HEADERS;
        int flags = endStream ? Flags.END_STREAM : 0;
        int limit = block.limit();
        do {
            int n = Math.min(block.remaining(), maxFrameSize);
            boolean last = n == block.remaining();
            header(out, n, type, flags | (last ? Flags.END_HEADERS : 0), streamId);
            block.limit(block.position() + n);
            out.put(block);
            block.limit(limit);
            type = FrameType.CONTINUATION;
            flags = 0;
        } while (block.hasRemaining());
        return true;
    }
}
