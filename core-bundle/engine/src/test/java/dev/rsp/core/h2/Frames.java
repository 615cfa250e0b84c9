package dev.rsp.core.h2;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Crafts raw frames byte by byte, including malformed ones the writer never makes. */
final class Frames {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static Frames withPreface() {
        Frames f = new Frames();
        f.raw(Preface.BYTES);
        return f;
    }

    /** The preface and an empty SETTINGS: what every test connection starts with. */
    static Frames client() {
        return withPreface().frame(FrameType.SETTINGS, 0, 0, new byte[0]);
    }

    Frames raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    Frames frame(int type, int flags, int streamId, byte[] payload) {
        return frame(payload.length, type, flags, streamId, payload);
    }

    /** A frame whose length field says {@code length}, whatever the payload. */
    Frames frame(int length, int type, int flags, int streamId, byte[] payload) {
        out.write(length >>> 16);
        out.write(length >>> 8);
        out.write(length);
        out.write(type);
        out.write(flags);
        out.writeBytes(ByteBuffer.allocate(4).putInt(streamId).array());
        out.writeBytes(payload);
        return this;
    }

    Frames headers(int streamId, String block, boolean endStream, boolean endHeaders) {
        int flags = (endStream ? Flags.END_STREAM : 0) | (endHeaders ? Flags.END_HEADERS : 0);
        return frame(FrameType.HEADERS, flags, streamId, ascii(block));
    }

    /** A whole field block (real HPACK bytes) in one HEADERS frame. */
    Frames headers(int streamId, byte[] block, boolean endStream) {
        return frame(FrameType.HEADERS, (endStream ? Flags.END_STREAM : 0) | Flags.END_HEADERS, streamId, block);
    }

    Frames continuation(int streamId, String fragment, boolean endHeaders) {
        return frame(FrameType.CONTINUATION, endHeaders ? Flags.END_HEADERS : 0, streamId, ascii(fragment));
    }

    Frames request(int streamId, String block, boolean endStream) {
        return headers(streamId, block, endStream, true);
    }

    Frames data(int streamId, String data, boolean endStream) {
        return frame(FrameType.DATA, endStream ? Flags.END_STREAM : 0, streamId, ascii(data));
    }

    Frames paddedData(int streamId, String data, int padding, boolean endStream) {
        byte[] d = ascii(data);
        byte[] p = new byte[1 + d.length + padding];
        p[0] = (byte) padding;
        System.arraycopy(d, 0, p, 1, d.length);
        return frame(FrameType.DATA, Flags.PADDED | (endStream ? Flags.END_STREAM : 0), streamId, p);
    }

    Frames rst(int streamId, ErrorCode code) {
        return frame(FrameType.RST_STREAM, 0, streamId, int32(code.code()));
    }

    Frames windowUpdate(int streamId, int increment) {
        return frame(FrameType.WINDOW_UPDATE, 0, streamId, int32(increment));
    }

    Frames ping(long opaque, boolean ack) {
        return frame(FrameType.PING, ack ? Flags.ACK : 0, 0, ByteBuffer.allocate(8).putLong(opaque).array());
    }

    /** What a server's connection starts with: an empty SETTINGS. */
    static Frames server() {
        return new Frames().frame(FrameType.SETTINGS, 0, 0, new byte[0]);
    }

    Frames settings(int... idValuePairs) {
        ByteBuffer b = ByteBuffer.allocate(idValuePairs.length * 3);
        for (int i = 0; i < idValuePairs.length; i += 2) {
            b.putShort((short) idValuePairs[i]).putInt(idValuePairs[i + 1]);
        }
        return frame(FrameType.SETTINGS, 0, 0, b.array());
    }

    Frames settingsAck() {
        return frame(FrameType.SETTINGS, Flags.ACK, 0, new byte[0]);
    }

    Frames priority(int streamId, int dependency) {
        return frame(FrameType.PRIORITY, 0, streamId, ByteBuffer.allocate(5).putInt(dependency).put((byte) 15).array());
    }

    Frames goAway(int lastStreamId, ErrorCode code) {
        return frame(FrameType.GOAWAY, 0, 0, ByteBuffer.allocate(8).putInt(lastStreamId).putInt(code.code()).array());
    }

    /** Feeds a client-side reader the server's first SETTINGS, so that what follows can be any frame. */
    static void settingsFirst(FrameReader reader, FrameListener l) {
        reader.read(new Frames().frame(FrameType.SETTINGS, 0, 0, new byte[0]).buffer(), l);
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    ByteBuffer buffer() {
        return ByteBuffer.wrap(bytes());
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] int32(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }
}
