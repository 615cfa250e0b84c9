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
     * characters, at most 253 characters in all, with one optional trailing dot and an optional {@code :port} (1 to 5
     * digits; the core drops it, as it does for a Host header). No percent-encoding, no non-ASCII (an IDN must be
     * written in its {@code xn--} form). Case is left to the core.
     */
    static boolean plausible(String segment) {
        int end = withoutPort(segment);
        if (end < 0) {
            return false;
        }
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

    /** The length of the name part: before a {@code :port} suffix, or -1 when a colon is not followed by 1-5 digits. */
    private static int withoutPort(String segment) {
        int colon = segment.indexOf(':');
        if (colon < 0) {
            return segment.length();
        }
        int digits = segment.length() - colon - 1;
        if (digits < 1 || digits > 5) {
            return -1;
        }
        for (int i = colon + 1; i < segment.length(); i++) {
            if (segment.charAt(i) < '0' || segment.charAt(i) > '9') {
                return -1;
            }
        }
        return colon;
    }

    private static boolean isNameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_';
    }
}
