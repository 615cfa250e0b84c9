package dev.rsp.core.h2;

import dev.rsp.core.h2.HeaderBlockAssembler.Target;
import dev.rsp.core.proxy.Counter;
import java.nio.ByteBuffer;

/**
 * What each frame the server sends does to an {@link H2ClientSession} (RFC 9113): response heads, bodies and trailers,
 * stream states and their errors (§5.1), flow control (§6.9), GOAWAY; what the server side handles alike is the
 * {@link SessionCore}'s. After the session failed, frames are ignored. Loop thread only.
 *
 * <p>On a stream rsp opened and sent: zero or more informational heads (the decoder says {@code INFORMATIONAL}; one
 * with END_STREAM is a stream error PROTOCOL_ERROR, §8.1), a final head, DATA, and trailers, which must end the stream
 * (a HEADERS after the final head without END_STREAM is a stream error PROTOCOL_ERROR), as must DATA before the final
 * head. HEADERS or DATA after the server's END_STREAM: stream error STREAM_CLOSED.
 *
 * <p>Identifiers without a sent stream: an even one (the server's; it may not push, so none is ever valid), an odd one
 * rsp has not opened, or opened and not yet sent: any frame but PRIORITY is a connection error PROTOCOL_ERROR
 * (§5.1 idle; PUSH_PROMISE is already refused by the {@link FrameReader}). A stream rsp reset recently (or one a GOAWAY
 * refused): frames are ignored, but its field blocks are still decoded (the HPACK table) and its DATA still counts
 * against the connection window and is credited back at once. Another closed stream: DATA or HEADERS is a connection
 * error STREAM_CLOSED; WINDOW_UPDATE and RST_STREAM are ignored (a WINDOW_UPDATE of 0 is a glitch).
 *
 * <p>A response field block over {@code maxHeaderBlockBytes}, or one the decoder finds TOO_LARGE, resets its stream
 * with CANCEL (this client does not want the response; nothing the server did is a protocol error, and the glue
 * answers its client 502). The former was not decoded, so the HPACK table is lost: the session sends GOAWAY and
 * cancels every stream whose next field block arrives, since none can be decoded any more.
 */
final class ClientInboundFrames extends FrameRules {

    private final H2ClientSession s;

    ClientInboundFrames(H2ClientSession session) {
        super(session.core);
        this.s = session;
    }

    /** A stream rsp opened and whose HEADERS it sent; null for every other identifier (see {@link #idle}). */
    @Override
    H2Stream known(int streamId) {
        H2Stream stream = c.streams.get(streamId);
        return stream != null && stream.state() != StreamState.IDLE ? stream : null;
    }

    /** What an identifier without a sent stream is: opened and not sent is still idle to the server (NEW). */
    @Override
    StreamTable.Idle idle(int streamId) {
        return c.streams.get(streamId) != null ? StreamTable.Idle.NEW : c.streams.classify(streamId);
    }

    @Override
    public void onHeaders(int streamId, boolean endStream, boolean endHeaders, int fragmentLength) {
        if (c.failed) {
            return;
        }
        H2Stream stream = known(streamId);
        if (stream != null) {
            if (!stream.state().peerMaySend()) {
                c.streamError(stream, ErrorCode.STREAM_CLOSED);
                c.block.begin(Target.DISCARD, stream, endStream);
            } else if (!stream.finalHead) {
                c.block.begin(Target.HEAD, stream, endStream);
            } else if (endStream) {
                c.block.begin(Target.TRAILERS, stream, true);
            } else {
                c.streamError(stream, ErrorCode.PROTOCOL_ERROR);
                c.block.begin(Target.DISCARD, stream, false);
            }
        } else {
            switch (idle(streamId)) {
                case IGNORED -> c.block.begin(Target.DISCARD, null, endStream);
                case CLOSED, PAST -> {
                    c.connectionError(ErrorCode.STREAM_CLOSED);
                    return;
                }
                default -> {
                    c.connectionError(ErrorCode.PROTOCOL_ERROR);
                    return;
                }
            }
        }
        c.declare(fragmentLength, endHeaders);
    }

    /** A whole field block: decoded (unless it overflowed or the table is lost) and delivered by its target. */
    @Override
    void complete(ByteBuffer fieldBlock) {
        H2Stream stream = c.block.stream();
        // The glue may have reset the stream while its block was arriving: then the block only feeds the table.
        Target target = stream == null || stream.state() == StreamState.CLOSED ? Target.DISCARD : c.block.target();
        if (c.block.overflowed()) {
            c.decoderLost = true;
            if (target != Target.DISCARD) {
                c.count(c.counted.headTooLarge());
                cancel(stream);
            }
            s.goAway();
            return;
        }
        if (c.decoderLost) {
            if (target != Target.DISCARD) {
                cancel(stream);
            }
            return;
        }
        HeaderBlockDecoder.Outcome outcome = s.decoder.decode(fieldBlock, target != Target.DISCARD);
        if (target == Target.DISCARD || outcome == HeaderBlockDecoder.Outcome.COMPRESSION_ERROR) {
            if (outcome == HeaderBlockDecoder.Outcome.COMPRESSION_ERROR) {
                c.connectionError(ErrorCode.COMPRESSION_ERROR);
            }
            return;
        }
        boolean informational = outcome == HeaderBlockDecoder.Outcome.INFORMATIONAL;
        if (outcome == HeaderBlockDecoder.Outcome.TOO_LARGE) {
            c.count(c.counted.headTooLarge());
            cancel(stream);
        } else if (target == Target.TRAILERS) {
            if (informational) {
                c.streamError(stream, ErrorCode.PROTOCOL_ERROR);
            } else {
                c.trailers(stream);
            }
        } else {
            head(stream, informational, c.block.endStream());
        }
    }

    private void head(H2Stream stream, boolean informational, boolean endStream) {
        if (informational) {
            if (endStream) {
                c.streamError(stream, ErrorCode.PROTOCOL_ERROR);
            } else {
                s.listener.onResponseHead(stream, false);
            }
            return;
        }
        stream.finalHead = true;
        if (endStream) {
            c.remoteEnd(stream);
        }
        s.listener.onResponseHead(stream, endStream);
    }

    /** The response cannot be taken (too large, or its block undecodable): RST_STREAM CANCEL, the glue told. */
    private void cancel(H2Stream stream) {
        c.reset(stream, ErrorCode.CANCEL);
        s.listener.onReset(stream, ErrorCode.CANCEL, false);
    }

    @Override
    public void onData(int streamId, ByteBuffer data, boolean endStream, int flowControlled) {
        if (c.failed || !c.receive(flowControlled)) {
            return;
        }
        H2Stream stream = known(streamId);
        if (stream != null) {
            if (!stream.finalHead && stream.state().peerMaySend()) {
                c.dropData(stream, flowControlled, ErrorCode.PROTOCOL_ERROR);
            } else {
                c.data(stream, data, endStream, flowControlled);
            }
            return;
        }
        switch (idle(streamId)) {
            case IGNORED -> c.ignoreData(flowControlled);
            case CLOSED, PAST -> c.connectionError(ErrorCode.STREAM_CLOSED);
            default -> c.connectionError(ErrorCode.PROTOCOL_ERROR);
        }
    }

    @Override
    public void onRstStream(int streamId, int errorCode) {
        if (c.failed) {
            return;
        }
        H2Stream stream = known(streamId);
        if (stream == null) {
            if (!idleIsAnError(streamId)) {
                c.glitch(); // a stream already closed: a race now and then, a flood otherwise
            }
            return;
        }
        ErrorCode code = ErrorCode.of(errorCode);
        if (code == ErrorCode.REFUSED_STREAM) {
            c.count(Counter.H2_BACKEND_REFUSED_STREAM);
        }
        c.resetByPeer(stream, code);
    }

    @Override
    public void onSettings(Settings received) {
        if (c.failed) {
            return;
        }
        if (received.has(Settings.ENABLE_PUSH) && received.get(Settings.ENABLE_PUSH) != 0) {
            // §6.5.2: a server MUST NOT set it to 1.
            c.connectionError(ErrorCode.PROTOCOL_ERROR);
            return;
        }
        s.peerSettingsReceived = true;
        c.settings(received);
    }

    /** A PING is answered; a PING ACK is a glitch, since this side sends no PING. */
    @Override
    public void onPing(long opaque, boolean ack) {
        if (c.failed) {
            return;
        }
        if (ack) {
            c.glitch();
        } else {
            c.ping(opaque);
        }
    }

    @Override
    public void onGoAway(int lastStreamId, int errorCode) {
        if (!c.failed) {
            s.goAwayReceived(lastStreamId, ErrorCode.of(errorCode));
        }
    }

    /** A PRIORITY frame of the wrong length: a stream error on a sent stream; elsewhere only counted. */
    @Override
    public void onStreamError(int streamId, ErrorCode code) {
        if (c.failed) {
            return;
        }
        H2Stream stream = known(streamId);
        if (stream != null) {
            c.streamError(stream, code);
        } else {
            c.count(c.counted.streamError());
        }
    }
}
