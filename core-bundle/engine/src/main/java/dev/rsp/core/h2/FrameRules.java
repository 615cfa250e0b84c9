package dev.rsp.core.h2;

import java.nio.ByteBuffer;

/**
 * What frames do to a session alike on both sides ({@link InboundFrames}, the server's; {@link ClientInboundFrames},
 * the client's): field-block fragments assembled, SETTINGS ACK, WINDOW_UPDATE (connection and stream, with the idle
 * and closed cases of RFC 9113 5.1), PRIORITY and unknown frames counted as glitches. Each side says which stream an
 * identifier names and what an identifier without one is; after the session failed, frames are ignored. Loop thread
 * only.
 */
abstract class FrameRules implements FrameListener {

    final SessionCore c;

    FrameRules(SessionCore core) {
        this.c = core;
    }

    /** The stream {@code streamId} names on this side, or null. */
    abstract H2Stream known(int streamId);

    /** What an identifier without a {@link #known} stream is. */
    abstract StreamTable.Idle idle(int streamId);

    /** A whole field block arrived (see {@link HeaderBlockAssembler}). */
    abstract void complete(ByteBuffer fieldBlock);

    /**
     * A frame for an identifier without a stream: on an idle one (never opened, or not valid at all) a connection
     * error PROTOCOL_ERROR, and true; false for a closed stream, which the caller handles.
     */
    final boolean idleIsAnError(int streamId) {
        StreamTable.Idle kind = idle(streamId);
        if (kind == StreamTable.Idle.NEW || kind == StreamTable.Idle.INVALID) {
            c.connectionError(ErrorCode.PROTOCOL_ERROR);
            return true;
        }
        return false;
    }

    @Override
    public final void onContinuation(int streamId, boolean endHeaders, int fragmentLength) {
        if (!c.failed) {
            c.declare(fragmentLength, endHeaders);
        }
    }

    @Override
    public final void onHeaderFragment(int streamId, ByteBuffer piece, boolean last) {
        if (!c.failed && c.block.add(piece, last)) {
            complete(c.block.completed());
        }
    }

    @Override
    public final void onSettingsAck() {
        if (!c.failed) {
            c.settingsAcknowledged();
        }
    }

    @Override
    public final void onWindowUpdate(int streamId, int increment) {
        if (c.failed) {
            return;
        }
        if (streamId == 0) {
            c.connectionWindowUpdate(increment);
            return;
        }
        H2Stream stream = known(streamId);
        if (stream != null) {
            c.streamWindowUpdate(stream, increment);
        } else if (!idleIsAnError(streamId)) {
            c.closedStreamWindowUpdate(increment);
        }
    }

    @Override
    public final void onPriority(int streamId) {
        if (!c.failed) {
            c.glitch();
        }
    }

    @Override
    public final void onUnknown(int type, int streamId, int length) {
        if (!c.failed) {
            c.glitch();
        }
    }
}
