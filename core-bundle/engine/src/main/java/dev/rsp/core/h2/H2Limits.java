package dev.rsp.core.h2;

/**
 * The bounds an HTTP/2 connection puts on its client, in one place so that configuration can set them (defaults:
 * {@link #DEFAULT}). Each limit hit is counted ({@code h2.*} counters). The defaults follow what HAProxy, nginx,
 * Envoy and the Rust h2 crate do (research/front-door.md), as said for each.
 *
 * @param maxConcurrentStreams    SETTINGS_MAX_CONCURRENT_STREAMS; a stream over it is refused (REFUSED_STREAM).
 *                                100: HAProxy 100, nginx 128, Envoy's edge guide 100.
 * @param maxNewStreamsPerRead    streams a client may open within one read; more are refused (REFUSED_STREAM).
 *                                2 x concurrency, nginx's rapid-reset bound.
 * @param maxStreamsPerConnection streams per connection; the one that reaches it is the last processed: a GOAWAY
 *                                (NO_ERROR) names it, and the client opens a new connection. 1000: nginx's
 *                                keepalive_requests, HAProxy's max-total-streams idea.
 * @param maxPrematureResets      streams the client may reset before their response began; past it, while such
 *                                resets are also more than half of the connection's streams, GOAWAY
 *                                ENHANCE_YOUR_CALM (rapid reset, CVE-2023-44487). 100: between the h2 crate's 20
 *                                pending resets and Envoy's ratio over 500 streams; the ratio spares a browser that
 *                                cancels a page's loads.
 * @param maxHeaderBlockBytes     a field block's encoded size (HEADERS and CONTINUATION together), as
 *                                {@code limits.head.bytes}: over it the request is answered 431 and the connection
 *                                ends gracefully (the block was not decoded, so the HPACK state is lost); over four
 *                                times it, GOAWAY ENHANCE_YOUR_CALM at once (CONTINUATION flood; nginx bounds a
 *                                block at 4 x 8 KiB). 16384: rsp's head limit, HAProxy's buffer size.
 * @param maxGlitches             frames that do nothing useful (empty DATA without END_STREAM, empty field-block
 *                                fragments without END_HEADERS, PRIORITY, unknown types, WINDOW_UPDATE of 0 or RST_STREAM on a
 *                                closed stream) per connection; past it, GOAWAY ENHANCE_YOUR_CALM. 1000: HAProxy's
 *                                "glitches" counting, nginx's empty-frame flood check; a browser sends a handful.
 * @param maxQueuedControlFrames  control frames rsp may owe the client (ACKs, WINDOW_UPDATE, RST_STREAM); reading
 *                                stops at half of it until they are written, and a full queue is GOAWAY
 *                                ENHANCE_YOUR_CALM. 1000: Envoy's max_outbound_control_frames. Besides, at most one
 *                                SETTINGS ACK and one PING ACK wait at a time (the h2 crate): reading stops before
 *                                the next SETTINGS or PING until they are written.
 * @param initialStreamWindow     SETTINGS_INITIAL_WINDOW_SIZE: request body bytes a stream may have received and not
 *                                consumed. 65535, the protocol's default (nginx preread 64 KiB, Envoy's edge guide
 *                                64 KiB).
 * @param connectionWindow        the same over all streams of a connection: the bound on request body memory per
 *                                connection. 1 MiB: Envoy's edge guide (HAProxy ~1.6 MB).
 */
public record H2Limits(int maxConcurrentStreams, int maxNewStreamsPerRead, int maxStreamsPerConnection,
        int maxPrematureResets, int maxHeaderBlockBytes, int maxGlitches, int maxQueuedControlFrames,
        int initialStreamWindow, int connectionWindow) implements ConnectionLimits {

    public static final H2Limits DEFAULT = new H2Limits(100, 200, 1000, 100, 16_384, 1000, 1000, 65_535, 1 << 20);

    public H2Limits {
        positive(maxConcurrentStreams, "maxConcurrentStreams");
        positive(maxNewStreamsPerRead, "maxNewStreamsPerRead");
        positive(maxStreamsPerConnection, "maxStreamsPerConnection");
        positive(maxHeaderBlockBytes, "maxHeaderBlockBytes");
        positive(maxQueuedControlFrames, "maxQueuedControlFrames");
        positive(initialStreamWindow, "initialStreamWindow");
        if (maxPrematureResets < 0 || maxGlitches < 0) {
            throw new IllegalArgumentException("maxPrematureResets and maxGlitches must not be negative");
        }
        if (connectionWindow < Settings.DEFAULT_WINDOW) {
            throw new IllegalArgumentException("connectionWindow must be at least 65535, not " + connectionWindow);
        }
    }

    /** These limits with the header block bound taken from {@code limits.head.bytes}. */
    public H2Limits withMaxHeaderBlockBytes(int bytes) {
        return new H2Limits(maxConcurrentStreams, maxNewStreamsPerRead, maxStreamsPerConnection, maxPrematureResets,
                bytes, maxGlitches, maxQueuedControlFrames, initialStreamWindow, connectionWindow);
    }

    private static void positive(int v, String name) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive, not " + v);
        }
    }
}
