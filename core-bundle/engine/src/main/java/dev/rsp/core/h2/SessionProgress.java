package dev.rsp.core.h2;

/** What the connection glue does after a session's {@code onInput} (server side or client side alike). */
public enum SessionProgress {
    /** The window was used up (a partial frame header may be left in it): compact, read more, call again. */
    NEED_INPUT,
    /**
     * Reading stopped before a frame until queued control frames are written (a pending SETTINGS or PING ACK, a queue
     * at half its bound): {@code writeControl}, flush, then call again with the same window.
     */
    BLOCKED,
    /** A connection error: write what {@code writeControl} gives (the GOAWAY), then close. */
    CLOSE
}
