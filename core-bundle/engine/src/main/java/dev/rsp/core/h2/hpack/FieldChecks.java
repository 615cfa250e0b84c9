package dev.rsp.core.h2.hpack;

/**
 * The checks of RFC 9113 §8.2.1 on a field's octets, which HPACK itself does not make: a request with a field that
 * fails them is malformed (RST_STREAM PROTOCOL_ERROR, §8.1.1). Meant for the stream layer, on the arrays a
 * {@link FieldSink} receives. Allocation-free; safe on any thread.
 */
public final class FieldChecks {
    /** Per byte: allowed anywhere in a field name (visible ASCII other than 'A'-'Z' and ':'). */
    private static final boolean[] NAME_BYTE = new boolean[256];

    static {
        for (int b = 0x21; b <= 0x7E; b++) {
            NAME_BYTE[b] = !(b >= 'A' && b <= 'Z') && b != ':';
        }
    }

    private FieldChecks() {
    }

    /**
     * True when name[0, length) may be an HTTP/2 field name: not empty, none of 0x00-0x20, 'A'-'Z' (HTTP/2
     * names are lower case) or 0x7F-0xFF, and no ':' except as the first byte of a pseudo-header name. Whether a
     * pseudo-header is one the message may carry is the stream layer's question.
     */
    public static boolean validName(byte[] name, int length) {
        if (length == 0 || length == 1 && name[0] == ':') {
            return false;
        }
        for (int i = name[0] == ':' ? 1 : 0; i < length; i++) {
            if (!NAME_BYTE[name[i] & 0xFF]) {
                return false;
            }
        }
        return true;
    }

    /** True for a pseudo-header field name: one that starts with ':'. */
    public static boolean pseudoHeader(byte[] name, int length) {
        return length > 0 && name[0] == ':';
    }

    /**
     * True when value[0, length) may be an HTTP/2 field value: no NUL, CR or LF anywhere, and no SP or HTAB as its
     * first or last byte. Other control bytes and obs-text pass, as the RFC leaves them to the recipient.
     */
    public static boolean validValue(byte[] value, int length) {
        if (length == 0) {
            return true;
        }
        if (whitespace(value[0]) || whitespace(value[length - 1])) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            byte b = value[i];
            if (b == 0 || b == '\r' || b == '\n') {
                return false;
            }
        }
        return true;
    }

    private static boolean whitespace(byte b) {
        return b == ' ' || b == '\t';
    }
}
