package dev.rsp.core.net;

/**
 * When an endpoint's input window moves up to its pool's {@link BufferPool#bulk() bulk buffers} and back (see
 * {@link Endpoint#allowBulk}): up once {@link #AFTER} reads in a row have filled the whole buffer from an empty window
 * (the reader keeps up and the peer has more than a buffer to send); back once the reader stopped reading
 * ({@code wantRead(false)}: its sink is full, a slow client). Moves happen only at a read into an empty window, so no
 * byte moves. Loop thread only.
 */
final class BulkInput {

    /** Reads in a row that filled the whole buffer from an empty window before the window moves up. */
    static final int AFTER = 2;

    private int fullReads;
    private boolean stalled;

    /** Where an empty window should be before the next read: true up (bulk), false back, null where it is. */
    Boolean moveBeforeRead(boolean inBulk) {
        Boolean move = null;
        if (!inBulk && fullReads >= AFTER) {
            move = Boolean.TRUE;
        } else if (inBulk && stalled) {
            move = Boolean.FALSE;
        }
        stalled = false;
        return move;
    }

    /** Notes a read: from an empty window or not, and whether it filled the buffer. */
    void read(boolean fromEmpty, boolean filled) {
        fullReads = fromEmpty && filled ? fullReads + 1 : 0;
    }

    /** The reader stopped reading: its sink cannot take more. */
    void stalled() {
        fullReads = 0;
        stalled = true;
    }

    /** The window was given back (the exchange ended): the next transfer starts counting again. */
    void reset() {
        fullReads = 0;
    }
}
