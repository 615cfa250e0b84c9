package dev.rsp.core.h2;

/**
 * The bounds both sides of a connection apply alike, as {@link H2Limits} (server) and {@link H2ClientLimits} (client)
 * name them; {@link SessionCore} reads them through this view. See those records for what each means on each side.
 */
interface ConnectionLimits {

    /** Streams active at once: sizes the stream table (and bounds them, as each side says). */
    int maxConcurrentStreams();

    /** A field block's encoded size (HEADERS and CONTINUATION together). */
    int maxHeaderBlockBytes();

    /** Control frames this side may owe the peer; reading pauses at half of it. */
    int maxQueuedControlFrames();

    /** SETTINGS_INITIAL_WINDOW_SIZE this side advertises: what the peer may send on a stream before credit. */
    int initialStreamWindow();

    /** The connection's receive window (at least 65535). */
    int connectionWindow();

    /** Frames that do nothing useful, per connection, before GOAWAY ENHANCE_YOUR_CALM. */
    int maxGlitches();
}
