package dev.rsp.core.backend;

/** What a {@link BackendSource} offers its sets to; implemented by {@link BackendPublisher}. */
public interface BackendSink {

    /**
     * A complete, validated set from one source; it replaces that source's previous set. Any thread; never blocks
     * (the set is queued for the publisher's thread, and a later offer from the same source replaces one still queued).
     */
    void offer(SourcedBackends set);

    /** How many backends are in force now, whichever source they came from; 0 before any. Any thread. */
    default int inForce() {
        return 0;
    }
}
