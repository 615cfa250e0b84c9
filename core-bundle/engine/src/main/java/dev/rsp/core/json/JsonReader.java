package dev.rsp.core.json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON reader (RFC 8259) for answers rsp reads from other services (etcd's JSON gateway): objects become
 * {@link Map} (in document order; a repeated name is an error), arrays {@link List}, strings {@link String}, numbers
 * {@link Long} when integral and within range, else {@link Double}, {@code true}/{@code false} {@link Boolean}, and
 * {@code null} the constant {@link #NULL}. Nothing is lenient: no comments, no trailing commas, no single quotes, no
 * leading zeros, no unescaped control characters, no lone surrogates in escapes, no text after the value.
 *
 * <p>Bounded: the text is at most as long as its caller allowed; nesting at most {@code maxDepth} levels. Every
 * refusal is a {@link Malformed} naming the offset. Stateless; thread-safe.
 */
public final class JsonReader {

    /** JSON's {@code null}: a value distinct from an absent member. */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** The default nesting bound. */
    public static final int DEFAULT_MAX_DEPTH = 64;

    /** Text that is not one JSON value, or nests deeper than allowed. */
    public static final class Malformed extends IllegalArgumentException {
        Malformed(String message, int offset) {
            super(message + " at offset " + offset);
        }
    }

    private final String s;
    private final int maxDepth;
    private int i;

    private JsonReader(String text, int maxDepth) {
        this.s = text;
        this.maxDepth = maxDepth;
    }

    /** Reads {@code text} as exactly one JSON value (surrounding whitespace allowed), nesting at most 64 levels. */
    public static Object parse(String text) {
        return parse(text, DEFAULT_MAX_DEPTH);
    }

    /** Reads {@code text} as exactly one JSON value, nesting at most {@code maxDepth} levels. */
    public static Object parse(String text, int maxDepth) {
        JsonReader r = new JsonReader(text, maxDepth);
        r.skipSpace();
        Object v = r.value(0);
        r.skipSpace();
        if (r.i != text.length()) {
            throw new Malformed("text after the value", r.i);
        }
        return v;
    }

    /** Reads {@code text} as one JSON object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(String text) {
        Object v = parse(text);
        if (!(v instanceof Map)) {
            throw new Malformed("expected an object", 0);
        }
        return (Map<String, Object>) v;
    }

    private Object value(int depth) {
        if (i >= s.length()) {
            throw new Malformed("unexpected end", i);
        }
        char c = s.charAt(i);
        return switch (c) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", NULL);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw new Malformed("unexpected character " + describe(c), i);
            }
        };
    }

    private Map<String, Object> object(int depth) {
        checkDepth(depth);
        i++;
        Map<String, Object> out = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            i++;
            return Collections.unmodifiableMap(out);
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw new Malformed("expected a member name", i);
            }
            int at = i;
            String name = string();
            skipSpace();
            expect(':');
            skipSpace();
            if (out.put(name, value(depth)) != null) {
                throw new Malformed("member \"" + name + "\" given twice", at);
            }
            skipSpace();
            char c = peek();
            i++;
            if (c == '}') {
                return Collections.unmodifiableMap(out);
            }
            if (c != ',') {
                throw new Malformed("expected ',' or '}'", i - 1);
            }
        }
    }

    private List<Object> array(int depth) {
        checkDepth(depth);
        i++;
        List<Object> out = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            i++;
            return Collections.unmodifiableList(out);
        }
        while (true) {
            skipSpace();
            out.add(value(depth));
            skipSpace();
            char c = peek();
            i++;
            if (c == ']') {
                return Collections.unmodifiableList(out);
            }
            if (c != ',') {
                throw new Malformed("expected ',' or ']'", i - 1);
            }
        }
    }

    private String string() {
        i++;
        StringBuilder sb = null;
        int start = i;
        while (true) {
            if (i >= s.length()) {
                throw new Malformed("unterminated string", start - 1);
            }
            char c = s.charAt(i);
            if (c == '"') {
                String tail = s.substring(start, i);
                i++;
                return sb == null ? tail : sb.append(tail).toString();
            }
            if (c < 0x20) {
                throw new Malformed("control character " + describe(c) + " in a string", i);
            }
            if (c == '\\') {
                if (sb == null) {
                    sb = new StringBuilder();
                }
                sb.append(s, start, i);
                i++;
                escape(sb);
                start = i;
                continue;
            }
            i++;
        }
    }

    private void escape(StringBuilder sb) {
        if (i >= s.length()) {
            throw new Malformed("unterminated escape", i);
        }
        char e = s.charAt(i++);
        switch (e) {
            case '"' -> sb.append('"');
            case '\\' -> sb.append('\\');
            case '/' -> sb.append('/');
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'n' -> sb.append('\n');
            case 'r' -> sb.append('\r');
            case 't' -> sb.append('\t');
            case 'u' -> {
                char u = hex4();
                if (Character.isHighSurrogate(u)) {
                    if (i + 1 < s.length() && s.charAt(i) == '\\' && s.charAt(i + 1) == 'u') {
                        i += 2;
                        char low = hex4();
                        if (!Character.isLowSurrogate(low)) {
                            throw new Malformed("high surrogate not followed by a low one", i - 6);
                        }
                        sb.append(u).append(low);
                    } else {
                        throw new Malformed("lone high surrogate", i - 6);
                    }
                } else if (Character.isLowSurrogate(u)) {
                    throw new Malformed("lone low surrogate", i - 6);
                } else {
                    sb.append(u);
                }
            }
            default -> throw new Malformed("unknown escape \\" + describe(e), i - 2);
        }
    }

    private char hex4() {
        if (i + 4 > s.length()) {
            throw new Malformed("short \\u escape", i);
        }
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int d = Character.digit(s.charAt(i + k), 16);
            if (d < 0) {
                throw new Malformed("bad hex digit in \\u escape", i + k);
            }
            v = v * 16 + d;
        }
        i += 4;
        return (char) v;
    }

    private Object number() {
        int start = i;
        if (peek() == '-') {
            i++;
        }
        if (peek() == '0') {
            i++;
            if (isDigit(peek())) {
                throw new Malformed("leading zero", start);
            }
        } else if (!digits()) {
            throw new Malformed("expected a digit", i);
        }
        boolean integral = true;
        if (peek() == '.') {
            integral = false;
            i++;
            if (!digits()) {
                throw new Malformed("expected a digit after '.'", i);
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            i++;
            if (peek() == '+' || peek() == '-') {
                i++;
            }
            if (!digits()) {
                throw new Malformed("expected a digit in the exponent", i);
            }
        }
        String text = s.substring(start, i);
        if (integral && text.length() <= 20) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException tooLarge) {
                // falls through to a double
            }
        }
        return Double.parseDouble(text);
    }

    private boolean digits() {
        int start = i;
        while (isDigit(peek())) {
            i++;
        }
        return i > start;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, i)) {
            throw new Malformed("unexpected literal", i);
        }
        i += word.length();
        return v;
    }

    private void checkDepth(int depth) {
        if (depth > maxDepth) {
            throw new Malformed("nested deeper than " + maxDepth + " levels", i);
        }
    }

    private void expect(char c) {
        if (peek() != c) {
            throw new Malformed("expected '" + c + "'", i);
        }
        i++;
    }

    /** The character at the position, or U+FFFF past the end (never valid where a token is expected). */
    private char peek() {
        return i < s.length() ? s.charAt(i) : '\uffff';
    }

    private void skipSpace() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            i++;
        }
    }

    private static String describe(char c) {
        return c < 0x20 || c > 0x7e ? String.format("U+%04X", (int) c) : "'" + c + "'";
    }
}
