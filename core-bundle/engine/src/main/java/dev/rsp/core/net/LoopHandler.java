package dev.rsp.core.net;

import java.nio.channels.SelectionKey;

/**
 * Something an {@link EventLoop} dispatches to: the attachment of a selection key, and a participant in the loop's
 * periodic timeout sweep. All methods run on the loop's thread and must not block.
 */
public interface LoopHandler {

    /** The key is ready for the operations in {@code key.readyOps()}. */
    void onReady(SelectionKey key);

    /**
     * Called about every {@link EventLoop#SWEEP_NANOS} for handlers registered with {@link EventLoop#track}: the
     * handler checks its own deadlines against {@code nowNanos}.
     */
    default void onSweep(long nowNanos) {
    }

    /** A throwable escaped {@link #onReady} or {@link #onSweep}; the handler must release what it holds and close. */
    void onFailure(Throwable t);
}
