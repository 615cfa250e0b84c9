package dev.rsp.core.proxy;

import java.nio.charset.StandardCharsets;

/**
 * The Strings of HTTP/2 request fields decoded on one loop, remembered so that a name or value that comes again (most
 * do: the same names, user agent, accept, authority on every request of a connection, and across connections) is the
 * String made the first time rather than a new one per request. A small direct-mapped table: a field hashes to one
 * slot, a different field in that slot replaces it; values longer than {@link #MAX_LENGTH} are never kept. So it holds
 * at most {@link #SLOTS} short Strings, and a miss costs what it saves on a hit. Strings are immutable, so every
 * connection of the loop shares them. Loop thread only.
 */
final class FieldStrings {

    static final int SLOTS = 256;
    static final int MAX_LENGTH = 128;

    private final String[] slots = new String[SLOTS];

    /** {@code bytes[0, length)} as an ISO-8859-1 String: a remembered one when equal, else a new one. */
    String of(byte[] bytes, int length) {
        if (length > MAX_LENGTH) {
            return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        }
        int h = length;
        for (int i = 0; i < length; i++) {
            h = 31 * h + bytes[i];
        }
        int slot = (h ^ h >>> 16) & (SLOTS - 1);
        String s = slots[slot];
        if (s != null && equal(s, bytes, length)) {
            return s;
        }
        s = new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        slots[slot] = s;
        return s;
    }

    private static boolean equal(String s, byte[] bytes, int length) {
        if (s.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (s.charAt(i) != (char) (bytes[i] & 0xff)) {
                return false;
            }
        }
        return true;
    }
}
