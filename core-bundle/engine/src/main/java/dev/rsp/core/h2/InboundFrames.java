package dev.rsp.core.h2;

import dev.rsp.core.h2.HeaderBlockAssembler.Target;
import dev.rsp.core.proxy.Counter;
import java.nio.ByteBuffer;

/**
 * What each frame the client sends does to an {@link H2Session}: stream states and their errors (RFC 9113 §5.1), the
 * receive side of flow control (§6.9), field-block assembly and decoding, settings, PING, GOAWAY, and the abuse limits.
 * The session's frame listener, kept apart from its API; what the client side handles alike is the
 * {@link SessionCore}'s. After the session failed, frames are ignored.
 *
 * <p>Frames on an identifier without an active stream: HEADERS on an idle odd identifier opens a stream; any other
 * frame but PRIORITY on an idle or even identifier is a connection error PROTOCOL_ERROR; frames on a stream rsp reset
 * recently, or above a final GOAWAY's last stream, are ignored (DATA still counts against the connection window and is
 * credited back at once); DATA or HEADERS on another closed stream is a connection error STREAM_CLOSED, except HEADERS
 * on an identifier below the highest that rsp does not remember closing: PROTOCOL_ERROR (§5.1.1); WINDOW_UPDATE,
 * RST_STREAM and PRIORITY on a closed stream are ignored (a WINDOW_UPDATE of 0 there counts as a glitch: nothing
 * else bounds a flood of them). Loop thread only.
 */
final class InboundFrames extends FrameRules {

    private final H2Session s;

    InboundFrames(H2Session session) {
        super(session.core);
        this.s = session;
    }

    @Override
    H2Stream known(int streamId) {
        return c.streams.get(streamId);
    }

    @Override
    StreamTable.Idle idle(int streamId) {
        return s.idle(streamId);
    }

    @Override
    public void onHeaders(int streamId, boolean endStream, boolean endHeaders, int fragmentLength) {
        if (c.failed) {
            return;
        }
        H2Stream stream = c.streams.get(streamId);
        if (stream != null) {
            if (!stream.state().peerMaySend()) {
                c.streamError(stream, ErrorCode.STREAM_CLOSED);
                c.block.begin(Target.DISCARD, stream, endStream);
            } else if (!endStream) {
                // Trailers must end the stream (§8.1); rsp's clients send no interim heads.
                c.streamError(stream, ErrorCode.PROTOCOL_ERROR);
                c.block.begin(Target.DISCARD, stream, endStream);
            } else {
                c.block.begin(Target.TRAILERS, stream, true);
            }
        } else {
            switch (s.idle(streamId)) {
                case INVALID, PAST -> {
                    // PAST: §5.1.1, a new stream's identifier must exceed every one used before.
                    c.connectionError(ErrorCode.PROTOCOL_ERROR);
                    return;
                }
                case CLOSED -> {
                    c.connectionError(ErrorCode.STREAM_CLOSED);
                    return;
                }
                case IGNORED -> c.block.begin(Target.DISCARD, null, endStream);
                case NEW -> open(streamId, endStream);
            }
        }
        c.declare(fragmentLength, endHeaders);
    }

    /** A new client stream: opened, or refused over a limit, or ignored after the final GOAWAY. */
    private void open(int id, boolean endStream) {
        c.streams.used(id);
        if (s.goAway == H2Session.GoAway.SENT && id > s.goAwayLastId) {
            c.block.begin(Target.DISCARD, null, endStream);
            return;
        }
        if (c.streams.size() >= s.limits.maxConcurrentStreams()) {
            refuse(id, Counter.H2_REFUSED_STREAM, endStream);
            return;
        }
        if (s.newStreamsThisRead >= s.limits.maxNewStreamsPerRead()) {
            refuse(id, Counter.H2_STREAMS_PER_READ, endStream);
            return;
        }
        H2Stream stream = new H2Stream(id, c.peer.initialWindowSize(), c.streamReceiveWindow);
        stream.state(StreamState.IDLE.opened(endStream));
        c.streams.add(stream);
        c.lastPeerStream = id;
        s.newStreamsThisRead++;
        c.block.begin(Target.HEAD, stream, endStream);
        if (++s.streamsOpened == s.limits.maxStreamsPerConnection()) {
            c.count(Counter.H2_STREAM_BUDGET);
            s.finalGoAway();
        }
    }

    /** REFUSED_STREAM: the client may retry the request (§8.7); its field block is decoded for the table only. */
    private void refuse(int id, Counter limit, boolean endStream) {
        c.count(limit);
        c.resetId(id, ErrorCode.REFUSED_STREAM);
        c.block.begin(Target.DISCARD, null, endStream);
    }

    /** A whole field block: decoded (unless it overflowed or the table is lost) and delivered by its target. */
    @Override
    void complete(ByteBuffer fieldBlock) {
        Target target = c.block.target();
        H2Stream stream = c.block.stream();
        if (c.block.overflowed()) {
            // Not decoded, so the HPACK table is lost: answer this stream 431, then finish the others and close.
            c.decoderLost = true;
            if (target != Target.DISCARD) {
                c.count(Counter.H2_HEAD_TOO_LARGE);
                tooLarge(target, stream);
            }
            s.goAway(false);
            return;
        }
        if (c.decoderLost) {
            if (target == Target.TRAILERS) {
                c.connectionError(ErrorCode.COMPRESSION_ERROR);
            }
            return;
        }
        switch (s.decoder.decode(fieldBlock, target != Target.DISCARD)) {
            case COMPRESSION_ERROR -> c.connectionError(ErrorCode.COMPRESSION_ERROR);
            case TOO_LARGE -> {
                if (target != Target.DISCARD) {
                    c.count(Counter.H2_HEAD_TOO_LARGE);
                    tooLarge(target, stream);
                }
            }
            case DECODED, INFORMATIONAL -> {
                // INFORMATIONAL is a response's :status 1xx: a request decoder does not answer it.
                if (target == Target.HEAD) {
                    stream.announced = true;
                    s.listener.onRequestHead(stream, c.block.endStream());
                } else if (target == Target.TRAILERS) {
                    c.trailers(stream);
                }
            }
        }
    }

    private void tooLarge(Target target, H2Stream stream) {
        stream.announced = true;
        if (target == Target.TRAILERS) {
            c.remoteEnd(stream);
        }
        s.listener.onHeadTooLarge(stream);
    }

    @Override
    public void onData(int streamId, ByteBuffer data, boolean endStream, int flowControlled) {
        if (c.failed || !c.receive(flowControlled)) {
            return;
        }
        H2Stream stream = c.streams.get(streamId);
        if (stream != null) {
            c.data(stream, data, endStream, flowControlled);
            return;
        }
        switch (s.idle(streamId)) {
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
        H2Stream stream = c.streams.get(streamId);
        if (stream == null) {
            if (!idleIsAnError(streamId)) {
                c.glitch(); // a stream already closed: a race now and then, a flood otherwise
            }
            return;
        }
        c.resetByPeer(stream, ErrorCode.of(errorCode));
        if (!stream.responseStarted && ++s.prematureResets > s.limits.maxPrematureResets()
                && 2L * s.prematureResets > s.streamsOpened) {
            c.fail(ErrorCode.ENHANCE_YOUR_CALM, Counter.H2_RAPID_RESET);
        }
    }

    @Override
    public void onSettings(Settings received) {
        if (!c.failed) {
            c.settings(received);
        }
    }

    @Override
    public void onPing(long opaque, boolean ack) {
        if (c.failed) {
            return;
        }
        if (!ack) {
            c.ping(opaque);
        } else if (opaque == H2Session.DRAIN_PING && s.goAway == H2Session.GoAway.ANNOUNCED) {
            s.finalGoAway();
        }
    }

    @Override
    public void onGoAway(int lastStreamId, int errorCode) {
        if (!c.failed) {
            s.listener.onGoAway(lastStreamId, ErrorCode.of(errorCode));
        }
    }

    @Override
    public void onStreamError(int streamId, ErrorCode code) {
        if (c.failed) {
            return;
        }
        H2Stream stream = c.streams.get(streamId);
        if (stream != null) {
            c.streamError(stream, code);
        } else {
            c.count(Counter.H2_STREAM_ERROR);
            c.resetId(streamId, code);
        }
    }
}
