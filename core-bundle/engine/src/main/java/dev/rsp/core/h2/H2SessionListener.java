package dev.rsp.core.h2;

import java.nio.ByteBuffer;

/**
 * What an {@link H2Session} tells the connection glue, synchronously from {@link H2Session#onInput} (the glue may call
 * the session's output methods, {@code consumed} and {@code reset} from here): the events of
 * {@link H2ConnectionListener}, as the server side means them, and request heads. Loop thread only.
 */
public interface H2SessionListener extends H2ConnectionListener {

    /**
     * A new stream's request head was decoded (its fields are in the {@link HeaderBlockDecoder}). {@code endStream}:
     * the request has no body. The glue attaches its downstream to the stream and starts an exchange.
     */
    void onRequestHead(H2Stream stream, boolean endStream);

    /** A stream's trailers were decoded (fields in the decoder); the request ends with them. */
    @Override
    void onTrailers(H2Stream stream);

    /**
     * A stream's field block was too large (over {@code maxHeaderBlockBytes}, or the decoder's TOO_LARGE): answer 431
     * (or, if a response began, reset the stream). DATA for the stream still arrives until the glue resets it.
     */
    void onHeadTooLarge(H2Stream stream);

    /**
     * Request body bytes; {@code data} is valid only during the call (copy what is kept). Every byte delivered must be
     * reported back through {@link H2Session#consumed} once the backend side took it, or when it is dropped, so that
     * the client gets its flow-control credit back. {@code endStream}: the body ends here.
     */
    @Override
    void onData(H2Stream stream, ByteBuffer data, boolean endStream);

    /**
     * The stream is gone: reset by the client ({@code byPeer}), or by the session (a stream error, or the connection
     * ending with an error). The session has closed it; the glue abandons its exchange.
     */
    @Override
    void onReset(H2Stream stream, ErrorCode code, boolean byPeer);

    /** The stream's send window grew: a response blocked on it may write again. */
    @Override
    void onSendWindowOpened(H2Stream stream);

    /** The connection's window, or every stream's (a larger INITIAL_WINDOW_SIZE), grew: blocked responses may write. */
    @Override
    void onSendWindowsOpened();

    /** The client's settings changed (e.g. its HPACK table size, for the encoder). */
    @Override
    void onPeerSettings(Settings peer);

    /** The client sent GOAWAY: it opens no more streams; the glue may finish the active ones and close. */
    @Override
    void onGoAway(int lastStreamId, ErrorCode code);
}
