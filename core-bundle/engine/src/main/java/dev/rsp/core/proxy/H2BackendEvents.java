package dev.rsp.core.proxy;

import dev.rsp.core.h2.ErrorCode;
import dev.rsp.core.h2.H2ClientListener;
import dev.rsp.core.h2.H2ClientSession;
import dev.rsp.core.h2.H2Stream;
import dev.rsp.core.h2.Settings;
import java.nio.ByteBuffer;

/**
 * What an {@link H2ClientSession} reports of an {@link H2BackendConnection}, turned into calls on its streams: each
 * response head checked and handed over as HTTP/1.1 ({@link H2ResponseDecoder}; malformed: the stream reset
 * PROTOCOL_ERROR and its exchange answers 502), body bytes and trailers passed on, resets reported as broken streams
 * (refused ones retryable). Connection-level events go to the connection. Synchronous, from the session's
 * {@code onInput}; loop thread only.
 */
final class H2BackendEvents implements H2ClientListener {

    private final H2BackendConnection conn;
    private final H2ResponseDecoder decoder;
    private H2ClientSession session;

    H2BackendEvents(H2BackendConnection conn, H2ResponseDecoder decoder) {
        this.conn = conn;
        this.decoder = decoder;
    }

    /** The session these events come from (made after this listener, which it needs). */
    void session(H2ClientSession s) {
        session = s;
    }

    @Override
    public void onResponseHead(H2Stream stream, boolean endStream) {
        if (!(stream.attachment() instanceof H2BackendStream s)) {
            return;
        }
        String malformed = decoder.malformed(false);
        int status = decoder.status();
        boolean interim = status < 200;
        if (malformed != null) {
            malformedResponse(s, malformed);
            return;
        }
        boolean chunked = !interim && !decoder.sized() && !endStream;
        ByteBuffer head = decoder.head(chunked, endStream);
        if (head == null || !s.head(head, chunked, interim, endStream)) {
            conn.engine().counters().count(Counter.BACKEND_HEAD_TOO_LARGE);
            session.reset(stream, ErrorCode.INTERNAL_ERROR);
            s.broken("response head too large", false);
        }
    }

    private void malformedResponse(H2BackendStream s, String why) {
        conn.engine().counters().count(Counter.H2_BACKEND_MALFORMED);
        ProxyEngine.log.debug("HTTP/2 response from backend {} malformed: {}", conn.backend().name(), why);
        session.reset(s.stream(), ErrorCode.PROTOCOL_ERROR);
        s.broken("malformed response: " + why, false);
    }

    @Override
    public void onTrailers(H2Stream stream) {
        if (!(stream.attachment() instanceof H2BackendStream s)) {
            return;
        }
        String malformed = decoder.malformed(true);
        if (malformed != null) {
            malformedResponse(s, malformed);
            return;
        }
        s.trailers(decoder.trailers());
    }

    @Override
    public void onData(H2Stream stream, ByteBuffer data, boolean endStream) {
        if (stream.attachment() instanceof H2BackendStream s && conn.carries(s)) {
            int n = data.remaining();
            if (!s.data(data, endStream)) {
                session.reset(stream, ErrorCode.FLOW_CONTROL_ERROR);
                session.consumed(stream, n);
                s.broken("sent more than its window", false);
            }
        } else {
            session.consumed(stream, data.remaining());
        }
    }

    @Override
    public void onReset(H2Stream stream, ErrorCode code, boolean byPeer) {
        if (stream.attachment() instanceof H2BackendStream s) {
            s.broken("stream reset (" + code + ")", code == ErrorCode.REFUSED_STREAM);
        }
    }

    @Override
    public void onSendWindowOpened(H2Stream stream) {
        conn.windowsOpened();
    }

    @Override
    public void onSendWindowsOpened() {
        conn.windowsOpened();
    }

    @Override
    public void onPeerSettings(Settings peer) {
        conn.peerSettings(peer);
    }

    @Override
    public void onGoAway(int lastStreamId, ErrorCode code) {
        conn.goneAway();
    }
}
