package dev.rsp.core.h2;

/**
 * The bounds the client side of an HTTP/2 connection (rsp towards a backend speaking h2c) puts on the backend, in one
 * place so that configuration can set them (defaults: {@link #DEFAULT}). A backend is trusted more than a client, but
 * a broken or hostile one must not spin the loop nor fill memory: each limit hit is counted ({@code h2.backend.*}).
 *
 * @param maxConcurrentStreams   streams rsp opens at once on the connection, whatever the backend's
 *                               SETTINGS_MAX_CONCURRENT_STREAMS allows (the smaller of the two applies). 100: what
 *                               servers commonly advertise (nginx 128, HAProxy 100, the RFC's recommended minimum).
 * @param maxHeaderBlockBytes    a response field block's encoded size (HEADERS and CONTINUATION together): over it
 *                               the stream is reset (CANCEL) and, since the block was not decoded and the HPACK state
 *                               is lost, the connection ends gracefully (GOAWAY, no new streams); over four times it,
 *                               GOAWAY ENHANCE_YOUR_CALM at once. 65536: responses carry larger heads than requests
 *                               (cookies, CSP), and a backend is trusted more than a client.
 * @param maxQueuedControlFrames control frames rsp may owe the backend (ACKs, WINDOW_UPDATE, RST_STREAM); reading stops
 *                               at half of it until they are written, and a full queue is GOAWAY ENHANCE_YOUR_CALM.
 *                               Besides, at most one SETTINGS ACK and one PING ACK wait at a time. 1000: as the server
 *                               side.
 * @param initialStreamWindow    SETTINGS_INITIAL_WINDOW_SIZE: response body bytes a stream may have received and the
 *                               glue not consumed. 65535, the protocol's default.
 * @param connectionWindow       the same over all streams of the connection: the bound on response body memory per
 *                               backend connection (at least 65535). 1 MiB, as the server side.
 * @param maxGlitches            frames that do nothing useful (empty DATA without END_STREAM, empty field-block
 *                               fragments without END_HEADERS, PRIORITY, unknown types, WINDOW_UPDATE of 0 on a closed
 *                               stream) per connection; past it, GOAWAY ENHANCE_YOUR_CALM. 1000: as the server side.
 */
public record H2ClientLimits(int maxConcurrentStreams, int maxHeaderBlockBytes, int maxQueuedControlFrames,
        int initialStreamWindow, int connectionWindow, int maxGlitches) implements ConnectionLimits {

    public static final H2ClientLimits DEFAULT = new H2ClientLimits(100, 65_536, 1000, 65_535, 1 << 20, 1000);

    public H2ClientLimits {
        positive(maxConcurrentStreams, "maxConcurrentStreams");
        positive(maxHeaderBlockBytes, "maxHeaderBlockBytes");
        positive(maxQueuedControlFrames, "maxQueuedControlFrames");
        positive(initialStreamWindow, "initialStreamWindow");
        if (maxGlitches < 0) {
            throw new IllegalArgumentException("maxGlitches must not be negative, not " + maxGlitches);
        }
        if (connectionWindow < Settings.DEFAULT_WINDOW) {
            throw new IllegalArgumentException("connectionWindow must be at least 65535, not " + connectionWindow);
        }
    }

    private static void positive(int v, String name) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive, not " + v);
        }
    }
}
