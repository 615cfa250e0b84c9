package dev.rsp.core.net;

import java.nio.channels.SelectionKey;

/**
 * Something an {@link EventLoop} dispatches to: the attachment of a selection key, and a participant in the loop's
 * owner of {@link Deadline}s. All methods run on the loop's thread and must not block.
 */
public interface LoopHandler {

    /** The key is ready for the operations in {@code key.readyOps()}. */
    void onReady(SelectionKey key);

    /**
     * A {@link Deadline} of this handler is due: the handler checks which of its timeouts expired at {@code nowNanos}
     * and arms the deadline again for the next one, if any.
     */
    default void onDeadline(long nowNanos) {
    }

    /** A throwable escaped {@link #onReady} or {@link #onDeadline}; the handler must release what it holds and close. */
    void onFailure(Throwable t);
}
