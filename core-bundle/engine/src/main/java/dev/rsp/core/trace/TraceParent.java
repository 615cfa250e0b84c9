package dev.rsp.core.trace;

import java.util.Optional;

/**
 * A W3C Trace Context {@code traceparent} value (https://www.w3.org/TR/trace-context/, Level 1): a 128-bit trace id, the
 * 64-bit id of the caller's span, and the sampled flag. {@link #parse} applies the specification's rules: lower-case
 * hex only, version {@code ff} invalid, all-zero ids invalid, version {@code 00} exactly 55 characters, a higher
 * version parsed leniently (its first four fields as in {@code 00}, what follows ignored). {@link #header} always writes
 * version {@code 00}, with the sampled flag as the only flag (the specification says unknown flags are set to zero).
 * Immutable; any thread.
 */
public record TraceParent(long traceIdHigh, long traceIdLow, long parentId, boolean sampled) {

    /** The length of a version-00 value: {@code 00-<32 hex>-<16 hex>-<2 hex>}. */
    static final int LENGTH = 55;

    /** The value of {@code traceparent} as received, or empty when it is not a valid one (the caller restarts the trace). */
    public static Optional<TraceParent> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.strip();
        if (v.length() < LENGTH || v.charAt(2) != '-' || v.charAt(35) != '-' || v.charAt(52) != '-') {
            return Optional.empty();
        }
        int version = hex(v, 0, 2);
        if (version < 0 || version == 0xff) {
            return Optional.empty();
        }
        if (version == 0 ? v.length() != LENGTH : v.length() > LENGTH && v.charAt(LENGTH) != '-') {
            return Optional.empty();
        }
        long high = hex64(v, 3);
        long low = hex64(v, 19);
        long parent = hex64(v, 36);
        int flags = hex(v, 53, 2);
        if (!hexRun(v, 3, 32) || !hexRun(v, 36, 16) || flags < 0 || high == 0 && low == 0 || parent == 0) {
            return Optional.empty();
        }
        return Optional.of(new TraceParent(high, low, parent, (flags & 1) != 0));
    }

    /** The trace id as 32 lower-case hex digits. */
    public String traceId() {
        return hex(new StringBuilder(32), traceIdHigh, 16).append(hex(new StringBuilder(16), traceIdLow, 16)).toString();
    }

    /** This trace with {@code spanId} as the parent the next hop sees, and {@code sampled}: version 00. */
    public static String header(long traceIdHigh, long traceIdLow, long spanId, boolean sampled) {
        StringBuilder sb = new StringBuilder(LENGTH).append("00-");
        hex(sb, traceIdHigh, 16);
        hex(sb, traceIdLow, 16).append('-');
        hex(sb, spanId, 16).append(sampled ? "-01" : "-00");
        return sb.toString();
    }

    /** Appends {@code value} as {@code digits} lower-case hex digits (the low ones), zero-padded. */
    public static StringBuilder hex(StringBuilder sb, long value, int digits) {
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            sb.append(Character.forDigit((int) (value >>> shift) & 0xf, 16));
        }
        return sb;
    }

    /** The value of {@code n} lower-case hex digits at {@code from} (n at most 7), or -1 when one is not. */
    private static int hex(String s, int from, int n) {
        int v = 0;
        for (int i = from; i < from + n; i++) {
            int d = digit(s.charAt(i));
            if (d < 0) {
                return -1;
            }
            v = v << 4 | d;
        }
        return v;
    }

    private static long hex64(String s, int from) {
        long v = 0;
        for (int i = from; i < from + 16; i++) {
            v = v << 4 | Math.max(0, digit(s.charAt(i)));
        }
        return v;
    }

    private static boolean hexRun(String s, int from, int n) {
        for (int i = from; i < from + n; i++) {
            if (digit(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /** A lower-case hex digit's value, -1 for anything else (upper case is invalid in traceparent). */
    private static int digit(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    }
}
