package dev.rsp.core.h2;

import dev.rsp.core.proxy.Counter;

/**
 * Which {@link Counter} one side of a connection counts each shared outcome on: the server side on {@code h2.*}.
 */
record SessionCounters(Counter connectionError, Counter frameTooLarge, Counter streamError, Counter headTooLarge,
        Counter headerFlood, Counter glitches, Counter controlQueueFull, Counter readPaused) {

    static final SessionCounters SERVER = new SessionCounters(Counter.H2_CONNECTION_ERROR, Counter.H2_FRAME_TOO_LARGE,
            Counter.H2_STREAM_ERROR, Counter.H2_HEAD_TOO_LARGE, Counter.H2_HEADER_FLOOD, Counter.H2_GLITCHES,
            Counter.H2_CONTROL_QUEUE_FULL, Counter.H2_READ_PAUSED);
}
