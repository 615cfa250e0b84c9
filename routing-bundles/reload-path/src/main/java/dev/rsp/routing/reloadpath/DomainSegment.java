package dev.rsp.routing.reloadpath;

/**
 * Decides whether the text a pattern captured as {@code domain} is plausibly a customer domain, before it is handed
 * to the core as a rehost. The core canonicalizes and validates the name again; this check only keeps obvious
 * non-names (an empty or percent-encoded segment, {@code ..}, a single word such as {@code cache} in
 * {@code /admin/cache/reload}) from changing where a request goes.
 */
final class DomainSegment {

    /** Longest DNS name, in characters, without the optional trailing dot. */
    static final int MAX_NAME_LENGTH = 253;
    /** Longest DNS label, in characters. */
    static final int MAX_LABEL_LENGTH = 63;

    private DomainSegment() {
    }

    /**
     * True for ASCII names made of letters, digits, hyphens and underscores in at least two labels of 1 to 63
     * characters, at most 253 characters in all, with one optional trailing dot. No port, no percent-encoding, no
     * non-ASCII (an IDN must be written in its {@code xn--} form). Case is left to the core.
     */
    static boolean plausible(String segment) {
        int end = segment.length();
        if (end > 0 && segment.charAt(end - 1) == '.') {
            end--;
        }
        if (end == 0 || end > MAX_NAME_LENGTH) {
            return false;
        }
        int labels = 1;
        int labelLength = 0;
        for (int i = 0; i < end; i++) {
            char c = segment.charAt(i);
            if (c == '.') {
                if (labelLength == 0) {
                    return false;
                }
                labels++;
                labelLength = 0;
            } else if (isNameChar(c)) {
                if (++labelLength > MAX_LABEL_LENGTH) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return labelLength > 0 && labels >= 2;
    }

    private static boolean isNameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_';
    }
}
