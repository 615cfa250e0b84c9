package dev.rsp.config;

import java.util.Locale;
import java.util.OptionalLong;

/**
 * The number forms an operator may type in a {@code .cfg} file. Durations: a whole number of milliseconds, or a
 * whole number with {@code ms}, {@code s}, {@code m} or {@code h} ({@code 500ms}, {@code 5s}, {@code 1m}). Sizes: a
 * whole number of bytes, or with {@code k}, {@code m} or {@code g} (powers of 1024, also written {@code kb},
 * {@code kib}, ...: {@code 16k} is 16384). Whitespace between number and unit and {@code _} between digits are
 * allowed; anything else, negative numbers and values that overflow a {@code long} are refused.
 */
public final class Units {

    /** Said after "expected" when a duration does not parse. */
    public static final String DURATION_FORM = "a duration: milliseconds, or a whole number with ms, s, m or h (500ms, 5s, 1m)";
    /** Said after "expected" when a size does not parse. */
    public static final String SIZE_FORM = "a size: bytes, or a whole number with k, m or g (16k = 16384, 1m)";

    private Units() {
    }

    /** Milliseconds, or empty when {@code text} is not a duration. */
    public static OptionalLong millis(String text) {
        Split s = split(text);
        if (s == null) {
            return OptionalLong.empty();
        }
        long factor = switch (s.unit) {
            case "", "ms" -> 1;
            case "s" -> 1_000;
            case "m", "min" -> 60_000;
            case "h" -> 3_600_000;
            default -> 0;
        };
        return scaled(s.number, factor);
    }

    /** Bytes, or empty when {@code text} is not a size. */
    public static OptionalLong bytes(String text) {
        Split s = split(text);
        if (s == null) {
            return OptionalLong.empty();
        }
        long factor = switch (s.unit) {
            case "", "b" -> 1;
            case "k", "kb", "kib" -> 1L << 10;
            case "m", "mb", "mib" -> 1L << 20;
            case "g", "gb", "gib" -> 1L << 30;
            default -> 0;
        };
        return scaled(s.number, factor);
    }

    /** A whole number (with optional {@code _} between digits), or empty. */
    public static OptionalLong whole(String text) {
        Split s = split(text);
        return s == null || !s.unit.isEmpty() ? OptionalLong.empty() : OptionalLong.of(s.number);
    }

    private record Split(long number, String unit) {
    }

    private static Split split(String text) {
        if (text == null) {
            return null;
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        int i = 0;
        long n = 0;
        boolean digits = false;
        for (; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c >= '0' && c <= '9') {
                if (n > (Long.MAX_VALUE - (c - '0')) / 10) {
                    return null;
                }
                n = n * 10 + (c - '0');
                digits = true;
            } else if (c != '_' || !digits || i + 1 >= t.length() || !Character.isDigit(t.charAt(i + 1))) {
                break;
            }
        }
        if (!digits) {
            return null;
        }
        String unit = t.substring(i).strip();
        return unit.chars().allMatch(Character::isLetter) ? new Split(n, unit) : null;
    }

    private static OptionalLong scaled(long n, long factor) {
        if (factor == 0 || n > Long.MAX_VALUE / factor) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(n * factor);
    }
}
