package dev.rsp.core.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The RFC 9110/9112 character classes the parsers test bytes against, as one lookup table, plus the few
 * allocation-free comparisons on buffer ranges they share. Stateless; safe on any thread.
 */
final class CharClass {
    static final int CR = '\r';
    static final int LF = '\n';
    static final int SP = ' ';
    static final int HTAB = '\t';

    private static final byte TCHAR = 1;
    /** field-vchar: VCHAR or obs-text. */
    private static final byte FIELD_VCHAR = 2;
    /** Allowed in a request-target: visible ASCII. */
    private static final byte TARGET = 4;
    /** Allowed in a Host value or an absolute-form authority: unreserved, pct-encoded, sub-delims, ":", "[", "]". */
    private static final byte HOST = 8;
    private static final byte HEX = 16;
    /** Allowed inside a field value: field-vchar, SP, HTAB. */
    private static final byte VALUE = 32;

    private static final byte[] CLASSES = new byte[256];

    static {
        for (int b = 0x21; b <= 0x7E; b++) {
            CLASSES[b] |= FIELD_VCHAR | TARGET;
        }
        for (int b = 0x80; b <= 0xFF; b++) {
            CLASSES[b] |= FIELD_VCHAR;
        }
        mark("!#$%&'*+-.^_`|~0123456789", TCHAR);
        mark("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", TCHAR);
        mark("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~%!$&'()*+,;=:[]", HOST);
        mark("0123456789abcdefABCDEF", HEX);
        for (int b = 0; b < 256; b++) {
            if ((CLASSES[b] & FIELD_VCHAR) != 0 || b == SP || b == HTAB) {
                CLASSES[b] |= VALUE;
            }
        }
    }

    private CharClass() {
    }

    private static void mark(String chars, byte bit) {
        for (int i = 0; i < chars.length(); i++) {
            CLASSES[chars.charAt(i)] |= bit;
        }
    }

    static boolean tchar(int b) {
        return (CLASSES[b] & TCHAR) != 0;
    }

    static boolean fieldVchar(int b) {
        return (CLASSES[b] & FIELD_VCHAR) != 0;
    }

    /** field-vchar, SP or HTAB: a byte that may appear inside a field value. */
    static boolean valueByte(int b) {
        return (CLASSES[b] & VALUE) != 0;
    }

    static boolean targetByte(int b) {
        return (CLASSES[b] & TARGET) != 0;
    }

    static boolean hostByte(int b) {
        return (CLASSES[b] & HOST) != 0;
    }

    static boolean ows(int b) {
        return b == SP || b == HTAB;
    }

    static boolean digit(int b) {
        return b >= '0' && b <= '9';
    }

    /** Value of a hex digit, or -1 when {@code b} is not one. */
    static int hexValue(int b) {
        if ((CLASSES[b] & HEX) == 0) {
            return -1;
        }
        return b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
    }

    static int at(ByteBuffer buf, int index) {
        return buf.get(index) & 0xFF;
    }

    /** The first index in [from, end) whose byte is not a tchar, or {@code end}. */
    static int skipTchars(ByteBuffer buf, int from, int end) {
        return skip(buf, from, end, TCHAR);
    }

    /** The first index in [from, end) whose byte is not a {@linkplain #valueByte value byte}, or {@code end}. */
    static int skipValueBytes(ByteBuffer buf, int from, int end) {
        int i = from;
        while (true) {
            while (i + 8 <= end && noControl(buf.getLong(i))) {
                i += 8;
            }
            int wordEnd = Math.min(i + 8, end);
            while (i < wordEnd && valueByte(at(buf, i))) {
                i++;
            }
            if (i < wordEnd || wordEnd == end) {
                return i;
            }
        }
    }

    /** The first index in [from, end) whose byte is not a {@linkplain #targetByte target byte}, or {@code end}. */
    static int skipTargetBytes(ByteBuffer buf, int from, int end) {
        int i = from;
        while (i + 8 <= end && visibleAscii(buf.getLong(i))) {
            i += 8;
        }
        return skip(buf, i, end, TARGET);
    }

    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    /*
     * Eight bytes at a time (any byte order): "some byte is below n" is (w - n*ONES) & ~w & HIGH_BITS != 0 for
     * n <= 0x80, exact as a yes/no answer though not as to which byte. Words that fail are examined byte by byte.
     */

    /** Whether none of the 8 bytes is a CTL (0x00-0x1F, 0x7F): all are field-vchar, or SP. HTAB fails too. */
    private static boolean noControl(long w) {
        long below20 = (w - 0x2020202020202020L) & ~w & HIGH_BITS;
        long x = w ^ 0x7F7F7F7F7F7F7F7FL;
        long del = (x - ONES) & ~x & HIGH_BITS;
        return (below20 | del) == 0;
    }

    /** Whether all 8 bytes are visible ASCII (0x21-0x7E). */
    private static boolean visibleAscii(long w) {
        long below21 = (w - 0x2121212121212121L) & ~w & HIGH_BITS;
        long x = w ^ 0x7F7F7F7F7F7F7F7FL;
        long del = (x - ONES) & ~x & HIGH_BITS;
        return (below21 | del | (w & HIGH_BITS)) == 0;
    }

    private static int skip(ByteBuffer buf, int from, int end, byte bit) {
        int i = from;
        while (i < end && (CLASSES[buf.get(i) & 0xFF] & bit) != 0) {
            i++;
        }
        return i;
    }

    /** Whether buf[start,end) is a non-empty token. */
    static boolean token(ByteBuffer buf, int start, int end) {
        if (start >= end) {
            return false;
        }
        for (int i = start; i < end; i++) {
            if (!tchar(at(buf, i))) {
                return false;
            }
        }
        return true;
    }

    /** Whether buf[start,end) equals {@code lowerCase} ignoring ASCII case; {@code lowerCase} must be lower case. */
    static boolean equalsLowerCase(ByteBuffer buf, int start, int end, String lowerCase) {
        if (end - start != lowerCase.length()) {
            return false;
        }
        for (int i = 0; i < lowerCase.length(); i++) {
            int b = at(buf, start + i);
            if (b >= 'A' && b <= 'Z') {
                b |= 0x20;
            }
            if (b != lowerCase.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether buf[start,end) are the ISO-8859-1 bytes of {@code s}, case included. */
    static boolean equalsString(ByteBuffer buf, int start, int end, String s) {
        if (end - start != s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (at(buf, start + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * buf[start,end) as a String like {@link #string}, but {@code previous} itself when it has exactly these
     * bytes: a connection usually repeats its Host (and often its target), and comparing costs less than copying.
     */
    static String stringOr(ByteBuffer buf, int start, int end, String previous) {
        return equalsString(buf, start, end, previous) ? previous : string(buf, start, end);
    }

    /** Whether two ranges of the buffer are equal ignoring ASCII case. */
    static boolean equalsIgnoreCase(ByteBuffer buf, int start, int end, int otherStart, int otherEnd) {
        if (end - start != otherEnd - otherStart) {
            return false;
        }
        for (int i = 0; i < end - start; i++) {
            int a = at(buf, start + i);
            int b = at(buf, otherStart + i);
            if (a != b && ((a | 0x20) != (b | 0x20) || (a | 0x20) < 'a' || (a | 0x20) > 'z')) {
                return false;
            }
        }
        return true;
    }

    /** buf[start,end) as a String, each byte one ISO-8859-1 char. */
    static String string(ByteBuffer buf, int start, int end) {
        int length = end - start;
        if (length == 0) {
            return "";
        }
        if (buf.hasArray()) {
            return new String(buf.array(), buf.arrayOffset() + start, length, StandardCharsets.ISO_8859_1);
        }
        byte[] copy = new byte[length];
        buf.get(start, copy, 0, length);
        return new String(copy, StandardCharsets.ISO_8859_1);
    }
}
