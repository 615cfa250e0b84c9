package dev.rsp.core.h2;

import java.nio.ByteBuffer;

/**
 * What either side of an HTTP/2 connection tells its glue about streams and the connection, synchronously from
 * {@code onInput} (the glue may call the session's output methods, {@code consumed} and {@code reset} from here). The
 * side's own listener adds how streams begin: {@link H2SessionListener} (server: request heads) and
 * {@link H2ClientListener} (client: response heads), and says what each event means on that side. Loop thread only.
 */
public interface H2ConnectionListener {

    /** A stream's trailers were decoded (fields in the {@link HeaderBlockDecoder}); the peer's side ends with them. */
    void onTrailers(H2Stream stream);

    /**
     * Body bytes from the peer; {@code data} is valid only during the call (copy what is kept). Every byte delivered
     * must come back through the session's {@code consumed} once taken or dropped: that is the peer's flow-control
     * credit. {@code endStream}: the peer's side ends here.
     */
    void onData(H2Stream stream, ByteBuffer data, boolean endStream);

    /**
     * The stream is gone: reset by the peer ({@code byPeer}), or by the session (a stream error, or the connection
     * ending with an error). The session has closed it; the glue abandons what it attached.
     */
    void onReset(H2Stream stream, ErrorCode code, boolean byPeer);

    /** The stream's send window grew: what is blocked on it may write again. */
    void onSendWindowOpened(H2Stream stream);

    /** The connection's window, or every stream's (a larger INITIAL_WINDOW_SIZE), grew: blocked writers may write. */
    void onSendWindowsOpened();

    /** The peer's SETTINGS were applied ({@code peer} holds them all): e.g. its HPACK table size, for the encoder. */
    void onPeerSettings(Settings peer);

    /** The peer sent GOAWAY: it processes no stream above {@code lastStreamId}, and the connection is ending. */
    void onGoAway(int lastStreamId, ErrorCode code);
}
