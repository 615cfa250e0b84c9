package dev.rsp.core.net;

/**
 * A one-shot timer of one {@link LoopHandler} on one {@link EventLoop}: armed for a point in time
 * ({@link System#nanoTime()}), it calls {@link LoopHandler#onDeadline} once when that time has come, unless it was
 * disarmed or moved meanwhile. A handler keeps one and moves it to whichever of its deadlines comes next, so a loop
 * holds one entry per connection with a deadline, not one per kind of timeout. Loop thread only.
 */
public final class Deadline {

    final LoopHandler owner;
    long at;
    /** The place in the loop's heap, -1 when not armed. */
    int index = -1;

    public Deadline(LoopHandler owner) {
        this.owner = owner;
    }

    public boolean armed() {
        return index >= 0;
    }

    /** When it fires; meaningful only while {@link #armed()}. */
    public long at() {
        return at;
    }
}
