package dev.rsp.core.h2;

/**
 * The streams of one connection by the client's stream identifiers, the odd ones (RFC 9113 §5.1, §5.1.1; no stream is
 * server-initiated, since rsp neither pushes nor lets a server push): the active streams by id (open addressing, no
 * boxing), the highest identifier the client has used (every lower idle one is closed by it; on the client side, the
 * highest rsp opened), and a memory of the streams closed last, telling those rsp reset (frames the peer sent
 * before it saw the RST_STREAM are ignored, not taken for errors, §5.1 "closed") from those closed otherwise. The
 * memory holds a fixed number of identifiers, the most recent; "for a while" means for that many later closes.
 * The names below speak as the server side; the client side reads {@link Idle#NEW} as "never opened". Loop thread
 * only.
 */
final class StreamTable {

    /** What a stream identifier without an active stream refers to. */
    enum Idle {
        /** A client identifier above all used so far: HEADERS opens it, any other frame but PRIORITY is an error. */
        NEW,
        /** An identifier the client cannot use (even: server-initiated, never used since rsp does not push). */
        INVALID,
        /** Closed by rsp (reset or refused), recently: frames on it are ignored. */
        IGNORED,
        /** Closed recently otherwise (both ends done, or reset by the client). */
        CLOSED,
        /** Below the highest used and not remembered: closed long ago, or skipped and so closed (§5.1.1). */
        PAST
    }

    private H2Stream[] slots;
    private int mask;
    private int size;
    private int highest;
    /** Recently closed identifiers, negated when rsp reset them. */
    private final int[] closed;
    private int closedCount;

    /** @param expected the most streams active at once; @param remembered the closed streams to remember */
    StreamTable(int expected, int remembered) {
        int capacity = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
        slots = new H2Stream[capacity];
        mask = capacity - 1;
        closed = new int[Math.max(1, remembered)];
    }

    int size() {
        return size;
    }

    /** The highest client stream identifier used (opened, refused or ignored); 0 before the first. */
    int highest() {
        return highest;
    }

    /** The client used {@code id} (it was classified {@link Idle#NEW}): lower idle identifiers are now closed. */
    void used(int id) {
        highest = Math.max(highest, id);
    }

    H2Stream get(int id) {
        for (int i = slot(id); ; i = (i + 1) & mask) {
            H2Stream s = slots[i];
            if (s == null || s.id() == id) {
                return s;
            }
        }
    }

    /** For an identifier {@link #get} did not find. */
    Idle classify(int id) {
        if ((id & 1) == 0) {
            return Idle.INVALID;
        }
        if (id > highest) {
            return Idle.NEW;
        }
        int n = Math.min(closedCount, closed.length);
        for (int i = 0; i < n; i++) {
            if (closed[i] == -id) {
                return Idle.IGNORED;
            }
            if (closed[i] == id) {
                return Idle.CLOSED;
            }
        }
        return Idle.PAST;
    }

    void add(H2Stream s) {
        if ((size + 1) * 2 > slots.length) {
            grow();
        }
        int i = slot(s.id());
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        slots[i] = s;
        size++;
    }

    /** Removes an active stream (backward-shift deletion keeps every probe sequence whole). */
    void remove(H2Stream s) {
        int i = slot(s.id());
        while (slots[i] != s) {
            if (slots[i] == null) {
                return;
            }
            i = (i + 1) & mask;
        }
        slots[i] = null;
        size--;
        for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
            int home = slot(slots[j].id());
            // Move slots[j] into the hole at i unless its home lies cyclically in (i, j].
            boolean stays = i <= j ? home > i && home <= j : home > i || home <= j;
            if (!stays) {
                slots[i] = slots[j];
                slots[j] = null;
                i = j;
            }
        }
    }

    /** Remembers a closed stream, as reset (or refused) by rsp or not, forgetting the oldest remembered one. */
    void rememberClosed(int id, boolean resetByUs) {
        closed[closedCount++ % closed.length] = resetByUs ? -id : id;
        if (closedCount == 2 * closed.length) {
            closedCount = closed.length;
        }
    }

    /** Forgets every active stream (the connection ended); the identifiers and resets stay known. */
    void clear() {
        java.util.Arrays.fill(slots, null);
        size = 0;
    }

    /** Slot count, for iterating with {@link #at} (without adding or removing meanwhile). */
    int capacity() {
        return slots.length;
    }

    /** The stream in slot {@code i}, or null for an empty slot. */
    H2Stream at(int i) {
        return slots[i];
    }

    private int slot(int id) {
        // Client identifiers are consecutive odd numbers: id / 2 spreads them over consecutive slots.
        return (id >>> 1) & mask;
    }

    private void grow() {
        H2Stream[] old = slots;
        slots = new H2Stream[old.length * 2];
        mask = slots.length - 1;
        size = 0;
        for (H2Stream s : old) {
            if (s != null) {
                add(s);
            }
        }
    }
}
