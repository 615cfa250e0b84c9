package dev.rsp.core.h2;

import java.nio.ByteBuffer;

/**
 * The output half of an HTTP/2 session, server side ({@link H2Session}) or client side ({@link H2ClientSession}):
 * what the connection glue calls to fill its output buffer. The same output code serves both. Loop thread only.
 */
public interface H2Sender {

    /** True while control frames (ACKs, WINDOW_UPDATE, RST_STREAM, GOAWAY, the preface) are owed. */
    boolean hasControlOutput();

    /** Writes owed control frames into {@code out}; true when all of them were written. */
    boolean writeControl(ByteBuffer out);

    /**
     * A HEADERS frame (and CONTINUATIONs) for {@code stream} carrying the encoded {@code fieldBlock}; false, writing
     * nothing, when {@code out} cannot take all of it.
     */
    boolean writeHeaders(H2Stream stream, ByteBuffer fieldBlock, boolean endStream, ByteBuffer out);

    /** One DATA frame of what the windows allow of {@code src}; returns the bytes of {@code src} taken. */
    int writeData(H2Stream stream, ByteBuffer src, boolean endStream, ByteBuffer out);

    /** Bytes {@code stream} may send now: the smaller window and the peer's frame size. */
    int sendable(H2Stream stream);

    /** The settings the peer sent (defaults until it did). */
    Settings peerSettings();
}
