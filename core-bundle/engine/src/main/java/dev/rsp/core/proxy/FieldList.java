package dev.rsp.core.proxy;

import java.util.Arrays;

/**
 * The regular fields of one HTTP/2 request in arrival order: names and values side by side in one array that starts
 * with room for eight fields and doubles when full (a request's fields are bounded by the HPACK header list limit).
 * One array rather than two lists: a request is made per stream, so its collections are garbage per stream. Loop
 * thread only.
 */
final class FieldList {

    private String[] pairs = new String[16];
    private int size;

    void add(String name, String value) {
        if (2 * size == pairs.length) {
            pairs = Arrays.copyOf(pairs, 2 * pairs.length);
        }
        pairs[2 * size] = name;
        pairs[2 * size + 1] = value;
        size++;
    }

    int size() {
        return size;
    }

    String name(int i) {
        return pairs[2 * i];
    }

    String value(int i) {
        return pairs[2 * i + 1];
    }

    /** The index of the first field named {@code name} (exactly), or -1. */
    int indexOf(String name) {
        for (int i = 0; i < size; i++) {
            if (pairs[2 * i].equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
