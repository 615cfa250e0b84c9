package dev.rsp.routing.lua;

/**
 * The character classes of Lua 5.2 patterns ({@code %a %c %d %g %l %p %s %u %w %x}, and the deprecated {@code %z}),
 * over bytes in the C locale: only ASCII bytes belong to a class; bytes 128-255 belong to none (so they belong to
 * every complement, {@code %A} and so on).
 */
final class CharClasses {

    private static final int ALPHA = 1;
    private static final int CONTROL = 1 << 1;
    private static final int DIGIT = 1 << 2;
    private static final int GRAPH = 1 << 3;
    private static final int LOWER = 1 << 4;
    private static final int PUNCT = 1 << 5;
    private static final int SPACE = 1 << 6;
    private static final int UPPER = 1 << 7;
    private static final int HEX = 1 << 8;

    /** Per byte value, the classes it belongs to. */
    private static final short[] MEMBERSHIP = new short[256];

    static {
        for (int c = 0; c < 128; c++) {
            int m = 0;
            boolean upper = c >= 'A' && c <= 'Z';
            boolean lower = c >= 'a' && c <= 'z';
            boolean digit = c >= '0' && c <= '9';
            m |= upper ? UPPER | ALPHA : 0;
            m |= lower ? LOWER | ALPHA : 0;
            m |= digit ? DIGIT : 0;
            m |= digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ? HEX : 0;
            m |= c < 32 || c == 127 ? CONTROL : 0;
            m |= c == ' ' || (c >= '\t' && c <= '\r') ? SPACE : 0;
            m |= c > 32 && c < 127 ? GRAPH : 0;
            m |= c > 32 && c < 127 && !upper && !lower && !digit ? PUNCT : 0;
            MEMBERSHIP[c] = (short) m;
        }
    }

    private CharClasses() {
    }

    /**
     * Whether byte {@code c} (0-255) matches {@code %} followed by {@code letter}. A letter that names no class (and
     * any other character after {@code %}) stands for itself.
     */
    static boolean matches(int c, int letter) {
        int bits;
        switch (letter | 0x20) {
            case 'a' -> bits = ALPHA;
            case 'c' -> bits = CONTROL;
            case 'd' -> bits = DIGIT;
            case 'g' -> bits = GRAPH;
            case 'l' -> bits = LOWER;
            case 'p' -> bits = PUNCT;
            case 's' -> bits = SPACE;
            case 'u' -> bits = UPPER;
            case 'w' -> bits = ALPHA | DIGIT;
            case 'x' -> bits = HEX;
            case 'z' -> {
                return (c == 0) == (letter == 'z');
            }
            default -> {
                return c == letter;
            }
        }
        boolean in = (MEMBERSHIP[c] & bits) != 0;
        // a lower-case letter is the class, an upper-case one its complement
        return (letter >= 'a') == in;
    }
}
