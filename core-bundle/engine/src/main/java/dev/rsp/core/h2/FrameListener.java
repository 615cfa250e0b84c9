package dev.rsp.core.h2;

import java.nio.ByteBuffer;

/**
 * What a {@link FrameReader} delivers, frame by frame, in the order of the bytes. Every frame that passed the reader's
 * framing checks (§4, §6: lengths, stream identifiers, padding, CONTINUATION order, the preface and the SETTINGS frame
 * first) arrives here; stream states, flow control and limits are the listener's to judge.
 *
 * <p>Payloads are not copied: DATA and field-block bytes are delivered in pieces as they arrive, each piece being the
 * reader's window itself with its limit narrowed to the piece. A piece is valid only during the call: read it from
 * position to limit; do not keep it or change its limit (the reader restores position and limit after the call).
 * Called on the thread that calls the reader (the loop thread); a method may not call back into the reader.
 */
public interface FrameListener {

    /**
     * A HEADERS frame begins: its padding and priority fields (ignored) are read; {@code fragmentLength} bytes of field
     * block follow in one or more {@link #onHeaderFragment} calls. {@code endHeaders} false: CONTINUATION frames on
     * the same stream carry the rest of the block, and nothing else comes in between (the reader enforces that).
     */
    void onHeaders(int streamId, boolean endStream, boolean endHeaders, int fragmentLength);

    /** A CONTINUATION frame of the block in progress begins; {@code fragmentLength} bytes follow as fragments. */
    void onContinuation(int streamId, boolean endHeaders, int fragmentLength);

    /**
     * A piece of the current HEADERS or CONTINUATION frame's field block fragment. At least one call per frame;
     * {@code last} on the call that completes the frame's fragment (possibly with an empty piece).
     */
    void onHeaderFragment(int streamId, ByteBuffer piece, boolean last);

    /**
     * A piece of a DATA frame's data. At least one call per frame (an empty piece for a frame without data).
     * {@code flowControlled} is what this call counts against the flow-control windows: the first call of a frame
     * counts the pad length byte and the padding besides its data, later calls their data only, so the calls of one
     * frame add up to the frame's length (§6.9.1). {@code endStream} on the call with the frame's last data byte
     * (or its only call) when the frame ends the stream.
     */
    void onData(int streamId, ByteBuffer data, boolean endStream, int flowControlled);

    /** RST_STREAM with its error code as received (see {@link ErrorCode#of}). */
    void onRstStream(int streamId, int errorCode);

    /**
     * A SETTINGS frame (not an ACK): {@code received} holds the parameters it carried, each checked by
     * {@link Settings#check}; unknown ones are left out. The object is the reader's and reused: take the values now.
     */
    void onSettings(Settings received);

    void onSettingsAck();

    /** PING, or a PING ACK, with its 8 opaque bytes. */
    void onPing(long opaque, boolean ack);

    /** GOAWAY: the last stream the peer processed and its error code as received; debug data is skipped. */
    void onGoAway(int lastStreamId, int errorCode);

    /** WINDOW_UPDATE on a stream or, for stream 0, the connection. The increment may be 0 (the listener's error). */
    void onWindowUpdate(int streamId, int increment);

    /** A PRIORITY frame of the right length, its content skipped (RFC 9113 deprecates the priority scheme). */
    void onPriority(int streamId);

    /** A frame of a type rsp does not know, skipped unread (§5.5). */
    void onUnknown(int type, int streamId, int length);

    /**
     * A frame error that concerns one stream only (a PRIORITY frame whose length is not 5: FRAME_SIZE_ERROR, §6.3);
     * the frame is skipped and reading goes on.
     */
    void onStreamError(int streamId, ErrorCode code);
}
