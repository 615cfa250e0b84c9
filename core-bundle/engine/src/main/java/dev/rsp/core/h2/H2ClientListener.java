package dev.rsp.core.h2;

import java.nio.ByteBuffer;

/**
 * What an {@link H2ClientSession} tells the glue that proxies requests over it, synchronously from
 * {@link H2ClientSession#onInput} (the glue may call the session's output methods, {@code consumed} and {@code reset}
 * from here). Loop thread only.
 *
 * <p>A stream's events, in order: zero or more {@code onResponseHead} of interim (1xx) heads, one of the final head,
 * {@code onData} while the body comes, and its end: {@code endStream} on the final head or the last {@code onData},
 * or {@code onTrailers}. {@code onReset} may come at any point instead of the rest, once, and ends the events; nothing
 * is said of a stream the glue reset itself.
 */
public interface H2ClientListener extends H2ConnectionListener {

    /**
     * A response head was decoded (its fields are in the {@link HeaderBlockDecoder}): an interim 1xx head (the
     * decoder answered {@code INFORMATIONAL}; never with {@code endStream}), or the final head. Called for each 1xx
     * head and then the final one. The glue reads {@code :status} from the decoder and checks the fields (see
     * {@link HeaderBlockDecoder}); a malformed response: {@code reset(stream, PROTOCOL_ERROR)}. {@code endStream}: no
     * body follows.
     */
    void onResponseHead(H2Stream stream, boolean endStream);

    /** Trailers were decoded (fields in the decoder); the response ends with them. */
    @Override
    void onTrailers(H2Stream stream);

    /**
     * Response body bytes, valid only during the call (copy what is kept). Every byte must come back through
     * {@link H2ClientSession#consumed} once the client side took it or it was dropped, also after the stream ended:
     * that is the backend's flow-control credit. {@code endStream}: the body ends here.
     */
    @Override
    void onData(H2Stream stream, ByteBuffer data, boolean endStream);

    /**
     * The stream is gone, and the session has closed it:
     * <ul>
     * <li>the backend reset it ({@code byPeer}; REFUSED_STREAM: it did not process the request, which may be retried on
     *     another connection, RFC 9113 §8.7; NO_ERROR after a complete response: it wants no more of the request
     *     body, §8.1);</li>
     * <li>the backend's GOAWAY named a lower last stream, or it was opened and not yet sent when the GOAWAY came:
     *     REFUSED_STREAM, {@code byPeer}, after {@link #onGoAway}; the request was not processed and may be retried;</li>
     * <li>the session reset it for a stream error of the backend (the code sent, not {@code byPeer});</li>
     * <li>its response head or trailers were too large: CANCEL, not {@code byPeer};</li>
     * <li>the connection failed: the connection error's code, not {@code byPeer}.</li>
     * </ul>
     */
    @Override
    void onReset(H2Stream stream, ErrorCode code, boolean byPeer);

    /** The stream's send window grew: a request body blocked on it may write again. */
    @Override
    void onSendWindowOpened(H2Stream stream);

    /** The connection's window, or every stream's, grew: blocked request bodies may write again. */
    @Override
    void onSendWindowsOpened();

    /**
     * The backend's SETTINGS were applied: HEADER_TABLE_SIZE for the glue's HPACK encoder, a new
     * MAX_CONCURRENT_STREAMS ({@link H2ClientSession#canOpen} follows it), MAX_FRAME_SIZE (followed by the session).
     */
    @Override
    void onPeerSettings(Settings peer);

    /**
     * The backend sent GOAWAY: no new stream may be opened; streams up to {@code lastStreamId} may still complete.
     * Called before the {@code onReset} (REFUSED_STREAM) of each stream above it.
     */
    @Override
    void onGoAway(int lastStreamId, ErrorCode code);
}
