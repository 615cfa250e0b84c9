package dev.rsp.core.proxy;

/**
 * A stream end that could not write all it had into an {@link H2Output} (the buffer was full or a window closed): the
 * output runs it again ({@link #writable}) once a flush emptied the buffer or a window opened. A client's stream
 * ({@link H2Downstream}) and a backend stream ({@link H2BackendStream}) are both. Loop thread only.
 */
abstract class H2Waiter {

    /** Queued in an output's waiters (at most once). */
    boolean waiting;

    /** The output can take more now: write what waits. */
    abstract void writable();
}
