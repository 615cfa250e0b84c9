package dev.rsp.core.h2.hpack;

import java.util.Arrays;

/**
 * One direction's HPACK dynamic table (RFC 7541 §2.3.2, §4): a FIFO of (name, value) entries, newest first, whose
 * size is the sum over entries of name length + value length + 32, kept at or under a maximum by evicting the
 * oldest entries. Entries are immutable byte arrays that callers may keep after eviction but never modify; a name
 * array may be shared by several entries. Owned by one encoder or decoder, used on its connection's thread only.
 *
 * <p>Because every entry costs at least 32, a table holds at most maxSize / 32 entries (128 for 4,096), so the ring
 * is allocated once per maximum and linear searches by the encoder stay short.
 */
final class DynamicTable {
    static final int ENTRY_OVERHEAD = 32;

    private byte[][] names;
    private byte[][] values;
    /** Slot of the newest entry; the ring's length is a power of two. */
    private int newest;
    private int count;
    private int size;
    private int maxSize;

    DynamicTable(int maxSize) {
        this.maxSize = maxSize;
        int slots = slotsFor(maxSize);
        names = new byte[slots][];
        values = new byte[slots][];
    }

    int count() {
        return count;
    }

    int size() {
        return size;
    }

    int maxSize() {
        return maxSize;
    }

    /** The name of entry i, 0 being the newest (HPACK index 62). */
    byte[] name(int i) {
        return names[slot(i)];
    }

    byte[] value(int i) {
        return values[slot(i)];
    }

    static long entrySize(int nameLength, int valueLength) {
        return (long) nameLength + valueLength + ENTRY_OVERHEAD;
    }

    /**
     * Adds an entry as the newest, first evicting the oldest until it fits. An entry larger than the maximum empties
     * the table and is not added (§4.4); that is not an error.
     */
    void add(byte[] name, byte[] value) {
        long needed = entrySize(name.length, value.length);
        if (needed > maxSize) {
            evictAll();
            return;
        }
        evictTo(maxSize - (int) needed);
        newest = (newest + 1) & (names.length - 1);
        names[newest] = name;
        values[newest] = value;
        count++;
        size += (int) needed;
    }

    /** Sets a new maximum (a dynamic table size update, §6.3), evicting entries that no longer fit. */
    void resize(int newMaxSize) {
        evictTo(newMaxSize);
        maxSize = newMaxSize;
        int slots = slotsFor(newMaxSize);
        if (slots > names.length) {
            byte[][] newNames = new byte[slots][];
            byte[][] newValues = new byte[slots][];
            for (int i = 0; i < count; i++) {
                newNames[count - 1 - i] = name(i);
                newValues[count - 1 - i] = value(i);
            }
            names = newNames;
            values = newValues;
            newest = (count - 1) & (slots - 1);
        }
    }

    /** The entry (0 = newest) whose name and value are the given ones, or -1. */
    int indexOf(byte[] name, int nameLength, byte[] value, int valueLength) {
        for (int i = 0; i < count; i++) {
            int s = slot(i);
            if (values[s].length == valueLength && names[s].length == nameLength
                    && Arrays.equals(values[s], 0, valueLength, value, 0, valueLength)
                    && Arrays.equals(names[s], 0, nameLength, name, 0, nameLength)) {
                return i;
            }
        }
        return -1;
    }

    /** The newest entry whose name is the given one, or -1. */
    int indexOfName(byte[] name, int nameLength) {
        for (int i = 0; i < count; i++) {
            byte[] candidate = names[slot(i)];
            if (candidate.length == nameLength && Arrays.equals(candidate, 0, nameLength, name, 0, nameLength)) {
                return i;
            }
        }
        return -1;
    }

    /** The smallest power of two that holds maxSize / 32 entries. */
    private static int slotsFor(int maxSize) {
        int entries = maxSize / ENTRY_OVERHEAD;
        return entries <= 1 ? 1 : Integer.highestOneBit(entries - 1) << 1;
    }

    private int slot(int i) {
        return (newest - i) & (names.length - 1);
    }

    /** What adding an entry larger than the maximum does (§4.4). */
    void evictAll() {
        evictTo(0);
    }

    private void evictTo(int limit) {
        while (size > limit) {
            int oldest = slot(count - 1);
            size -= (int) entrySize(names[oldest].length, values[oldest].length);
            names[oldest] = null;
            values[oldest] = null;
            count--;
        }
    }
}
