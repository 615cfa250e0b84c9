package dev.rsp.core.h2;

import dev.rsp.core.h2.HeaderBlockAssembler.Target;
import dev.rsp.core.proxy.Counter;
import java.nio.ByteBuffer;

/**
 * What each frame the client sends does to an {@link H2Session}: stream states and their errors (RFC 9113 §5.1), the
 * receive side of flow control (§6.9), field-block assembly and decoding, settings, PING, GOAWAY, and the abuse limits.
 * The session's frame listener, kept apart from its API. After the session failed, frames are ignored.
 *
 * <p>Frames on an identifier without an active stream: HEADERS on an idle odd identifier opens a stream; any other
 * frame but PRIORITY on an idle or even identifier is a connection error PROTOCOL_ERROR; frames on a stream rsp reset
 * recently, or above a final GOAWAY's last stream, are ignored (DATA still counts against the connection window and is
 * credited back at once); DATA or HEADERS on another closed stream is a connection error STREAM_CLOSED, except HEADERS
 * on an identifier below the highest that rsp does not remember closing: PROTOCOL_ERROR (§5.1.1); WINDOW_UPDATE,
 * RST_STREAM and PRIORITY on a closed stream are ignored (a WINDOW_UPDATE of 0 there counts as a glitch: nothing
 * else bounds a flood of them). Loop thread only.
 */
final class InboundFrames implements FrameListener {

    private final H2Session s;

    InboundFrames(H2Session session) {
        this.s = session;
    }

    @Override
    public void onHeaders(int streamId, boolean endStream, boolean endHeaders, int fragmentLength) {
        if (s.failed) {
            return;
        }
        H2Stream stream = s.streams.get(streamId);
        if (stream != null) {
            if (!stream.state().peerMaySend()) {
                s.streamError(stream, ErrorCode.STREAM_CLOSED);
                s.block.begin(Target.DISCARD, stream, endStream);
            } else if (!endStream) {
                // Trailers must end the stream (§8.1); rsp's clients send no interim heads.
                s.streamError(stream, ErrorCode.PROTOCOL_ERROR);
                s.block.begin(Target.DISCARD, stream, endStream);
            } else {
                s.block.begin(Target.TRAILERS, stream, true);
            }
        } else {
            switch (s.idle(streamId)) {
                case INVALID -> {
                    s.fail(ErrorCode.PROTOCOL_ERROR, Counter.H2_CONNECTION_ERROR);
                    return;
                }
                case CLOSED -> {
                    s.fail(ErrorCode.STREAM_CLOSED, Counter.H2_CONNECTION_ERROR);
                    return;
                }
                case PAST -> {
                    // §5.1.1: a new stream's identifier must exceed every one used before.
                    s.fail(ErrorCode.PROTOCOL_ERROR, Counter.H2_CONNECTION_ERROR);
                    return;
                }
                case IGNORED -> s.block.begin(Target.DISCARD, null, endStream);
                case NEW -> open(streamId, endStream);
            }
        }
        declare(fragmentLength, endHeaders);
    }

    /** A new client stream: opened, or refused over a limit, or ignored after the final GOAWAY. */
    private void open(int id, boolean endStream) {
        s.streams.used(id);
        if (s.goAway == H2Session.GoAway.SENT && id > s.goAwayLastId) {
            s.block.begin(Target.DISCARD, null, endStream);
            return;
        }
        if (s.streams.size() >= s.limits.maxConcurrentStreams()) {
            refuse(id, Counter.H2_REFUSED_STREAM, endStream);
            return;
        }
        if (s.newStreamsThisRead >= s.limits.maxNewStreamsPerRead()) {
            refuse(id, Counter.H2_STREAMS_PER_READ, endStream);
            return;
        }
        H2Stream stream = new H2Stream(id, s.peer.initialWindowSize(), s.streamReceiveWindow);
        stream.state(StreamState.IDLE.opened(endStream));
        s.streams.add(stream);
        s.lastOpened = id;
        s.newStreamsThisRead++;
        s.block.begin(Target.REQUEST, stream, endStream);
        if (++s.streamsOpened == s.limits.maxStreamsPerConnection()) {
            s.count(Counter.H2_STREAM_BUDGET);
            s.finalGoAway();
        }
    }

    /** REFUSED_STREAM: the client may retry the request (§8.7); its field block is decoded for the table only. */
    private void refuse(int id, Counter limit, boolean endStream) {
        s.count(limit);
        s.resetId(id, ErrorCode.REFUSED_STREAM);
        s.block.begin(Target.DISCARD, null, endStream);
    }

    @Override
    public void onContinuation(int streamId, boolean endHeaders, int fragmentLength) {
        if (!s.failed) {
            declare(fragmentLength, endHeaders);
        }
    }

    private void declare(int length, boolean endHeaders) {
        if (!s.block.declare(length, endHeaders)) {
            s.fail(ErrorCode.ENHANCE_YOUR_CALM, Counter.H2_HEADER_FLOOD);
        } else if (length == 0 && !endHeaders) {
            s.glitch();
        }
    }

    @Override
    public void onHeaderFragment(int streamId, ByteBuffer piece, boolean last) {
        if (!s.failed && s.block.add(piece, last)) {
            complete(s.block.completed());
        }
    }

    /** A whole field block: decoded (unless it overflowed or the table is lost) and delivered by its target. */
    private void complete(ByteBuffer fieldBlock) {
        Target target = s.block.target();
        H2Stream stream = s.block.stream();
        if (s.block.overflowed()) {
            // Not decoded, so the HPACK table is lost: answer this stream 431, then finish the others and close.
            s.decoderLost = true;
            if (target != Target.DISCARD) {
                s.count(Counter.H2_HEAD_TOO_LARGE);
                tooLarge(target, stream);
            }
            s.goAway(false);
            return;
        }
        if (s.decoderLost) {
            if (target == Target.TRAILERS) {
                s.fail(ErrorCode.COMPRESSION_ERROR, Counter.H2_CONNECTION_ERROR);
            }
            return;
        }
        switch (s.decoder.decode(fieldBlock, target != Target.DISCARD)) {
            case COMPRESSION_ERROR -> s.fail(ErrorCode.COMPRESSION_ERROR, Counter.H2_CONNECTION_ERROR);
            case TOO_LARGE -> {
                if (target != Target.DISCARD) {
                    s.count(Counter.H2_HEAD_TOO_LARGE);
                    tooLarge(target, stream);
                }
            }
            case DECODED -> {
                if (target == Target.REQUEST) {
                    stream.announced = true;
                    s.listener.onRequestHead(stream, s.block.endStream());
                } else if (target == Target.TRAILERS) {
                    s.remoteEnd(stream);
                    s.listener.onTrailers(stream);
                }
            }
        }
    }

    private void tooLarge(Target target, H2Stream stream) {
        stream.announced = true;
        if (target == Target.TRAILERS) {
            s.remoteEnd(stream);
        }
        s.listener.onHeadTooLarge(stream);
    }

    @Override
    public void onData(int streamId, ByteBuffer data, boolean endStream, int flowControlled) {
        if (s.failed) {
            return;
        }
        if (!s.connectionReceive.receive(flowControlled)) {
            s.fail(ErrorCode.FLOW_CONTROL_ERROR, Counter.H2_CONNECTION_ERROR);
            return;
        }
        H2Stream stream = s.streams.get(streamId);
        if (stream == null) {
            switch (s.idle(streamId)) {
                case IGNORED -> s.credit(s.connectionReceive.consumed(flowControlled), 0);
                case CLOSED, PAST -> s.fail(ErrorCode.STREAM_CLOSED, Counter.H2_CONNECTION_ERROR);
                default -> s.fail(ErrorCode.PROTOCOL_ERROR, Counter.H2_CONNECTION_ERROR);
            }
            return;
        }
        if (!stream.state().peerMaySend() || !stream.receive.receive(flowControlled)) {
            s.credit(s.connectionReceive.consumed(flowControlled), 0);
            s.streamError(stream, stream.state().peerMaySend() ? ErrorCode.FLOW_CONTROL_ERROR : ErrorCode.STREAM_CLOSED);
            return;
        }
        int padding = flowControlled - data.remaining();
        if (padding > 0) {
            s.consumed(stream, padding);
            if (s.failed) {
                return;
            }
        }
        if (!data.hasRemaining() && !endStream) {
            s.glitch();
            if (s.failed) {
                return;
            }
        }
        if (endStream) {
            s.remoteEnd(stream);
        }
        s.listener.onData(stream, data, endStream);
    }

    @Override
    public void onRstStream(int streamId, int errorCode) {
        if (s.failed) {
            return;
        }
        H2Stream stream = s.streams.get(streamId);
        if (stream == null) {
            StreamTable.Idle kind = s.idle(streamId);
            if (kind == StreamTable.Idle.NEW || kind == StreamTable.Idle.INVALID) {
                s.fail(ErrorCode.PROTOCOL_ERROR, Counter.H2_CONNECTION_ERROR);
            }
            return;
        }
        stream.state(StreamState.CLOSED);
        s.closedNormally(stream);
        s.listener.onReset(stream, ErrorCode.of(errorCode), true);
        if (!stream.responseStarted && ++s.prematureResets > s.limits.maxPrematureResets()
                && 2L * s.prematureResets > s.streamsOpened) {
            s.fail(ErrorCode.ENHANCE_YOUR_CALM, Counter.H2_RAPID_RESET);
        }
    }

    @Override
    public void onSettings(Settings received) {
        if (s.failed) {
            return;
        }
        long delta = received.has(Settings.INITIAL_WINDOW_SIZE)
                ? received.initialWindowSize() - (long) s.peer.initialWindowSize() : 0;
        s.peer.merge(received);
        if (delta != 0) {
            for (int i = 0; i < s.streams.capacity(); i++) {
                H2Stream stream = s.streams.at(i);
                if (stream != null && !stream.send.adjust(delta)) {
                    s.fail(ErrorCode.FLOW_CONTROL_ERROR, Counter.H2_CONNECTION_ERROR);
                    return;
                }
            }
        }
        s.queue(ControlQueue.SETTINGS_ACK, 0, 0);
        if (s.failed) {
            return;
        }
        s.listener.onPeerSettings(s.peer);
        if (delta > 0) {
            s.listener.onSendWindowsOpened();
        }
    }

    @Override
    public void onSettingsAck() {
        if (s.failed || s.settingsAcknowledged) {
            return;
        }
        s.settingsAcknowledged = true;
        int initial = s.limits.initialStreamWindow();
        if (initial != s.streamReceiveWindow) {
            s.streamReceiveWindow = initial;
            for (int i = 0; i < s.streams.capacity(); i++) {
                H2Stream stream = s.streams.at(i);
                if (stream != null) {
                    stream.receive.resize(initial);
                }
            }
        }
    }

    @Override
    public void onPing(long opaque, boolean ack) {
        if (s.failed) {
            return;
        }
        if (!ack) {
            s.queue(ControlQueue.PING_ACK, 0, opaque);
        } else if (opaque == H2Session.DRAIN_PING && s.goAway == H2Session.GoAway.ANNOUNCED) {
            s.finalGoAway();
        }
    }

    @Override
    public void onGoAway(int lastStreamId, int errorCode) {
        if (!s.failed) {
            s.listener.onGoAway(lastStreamId, ErrorCode.of(errorCode));
        }
    }

    @Override
    public void onWindowUpdate(int streamId, int increment) {
        if (s.failed) {
            return;
        }
        if (streamId == 0) {
            ErrorCode e = s.connectionSend.grow(increment);
            if (e != ErrorCode.NO_ERROR) {
                s.fail(e, Counter.H2_CONNECTION_ERROR);
            } else {
                s.listener.onSendWindowsOpened();
            }
            return;
        }
        H2Stream stream = s.streams.get(streamId);
        if (stream == null) {
            StreamTable.Idle kind = s.idle(streamId);
            if (kind == StreamTable.Idle.NEW || kind == StreamTable.Idle.INVALID) {
                s.fail(ErrorCode.PROTOCOL_ERROR, Counter.H2_CONNECTION_ERROR);
            } else if (increment == 0) {
                s.glitch();
            }
            return;
        }
        ErrorCode e = stream.send.grow(increment);
        if (e != ErrorCode.NO_ERROR) {
            s.streamError(stream, e);
        } else {
            s.listener.onSendWindowOpened(stream);
        }
    }

    @Override
    public void onPriority(int streamId) {
        if (!s.failed) {
            s.glitch();
        }
    }

    @Override
    public void onUnknown(int type, int streamId, int length) {
        if (!s.failed) {
            s.glitch();
        }
    }

    @Override
    public void onStreamError(int streamId, ErrorCode code) {
        if (s.failed) {
            return;
        }
        H2Stream stream = s.streams.get(streamId);
        if (stream != null) {
            s.streamError(stream, code);
        } else {
            s.count(Counter.H2_STREAM_ERROR);
            s.resetId(streamId, code);
        }
    }
}
