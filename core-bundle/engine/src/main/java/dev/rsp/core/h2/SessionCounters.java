package dev.rsp.core.h2;

import dev.rsp.core.proxy.Counter;

/**
 * Which {@link Counter} one side of a connection counts each shared outcome on: the server side on {@code h2.*}, the
 * client side (rsp towards an HTTP/2 backend) on {@code h2.backend.*}, so that a client's misbehaviour and a
 * backend's are told apart.
 */
record SessionCounters(Counter connectionError, Counter frameTooLarge, Counter streamError, Counter headTooLarge,
        Counter headerFlood, Counter glitches, Counter controlQueueFull, Counter readPaused) {

    static final SessionCounters SERVER = new SessionCounters(Counter.H2_CONNECTION_ERROR, Counter.H2_FRAME_TOO_LARGE,
            Counter.H2_STREAM_ERROR, Counter.H2_HEAD_TOO_LARGE, Counter.H2_HEADER_FLOOD, Counter.H2_GLITCHES,
            Counter.H2_CONTROL_QUEUE_FULL, Counter.H2_READ_PAUSED);

    /** A backend's frame over our MAX_FRAME_SIZE is one more protocol error: it has no counter of its own. */
    static final SessionCounters CLIENT = new SessionCounters(Counter.H2_BACKEND_CONNECTION_ERROR,
            Counter.H2_BACKEND_CONNECTION_ERROR, Counter.H2_BACKEND_STREAM_ERROR, Counter.H2_BACKEND_HEAD_TOO_LARGE,
            Counter.H2_BACKEND_HEADER_FLOOD, Counter.H2_BACKEND_GLITCHES, Counter.H2_BACKEND_CONTROL_QUEUE_FULL,
            Counter.H2_BACKEND_READ_PAUSED);
}
