package dev.rsp.core.backend;

/** Syntax check of an IPv6 address literal (RFC 4291 text form, without brackets and without a zone id). */
final class Ipv6Literal {

    private Ipv6Literal() {
    }

    static boolean isValid(String s) {
        if (s.isEmpty() || s.length() > 45) {
            return false;
        }
        int doubleColon = s.indexOf("::");
        if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        String head = doubleColon < 0 ? s : s.substring(0, doubleColon);
        String tail = doubleColon < 0 ? "" : s.substring(doubleColon + 2);
        int groups = 0;
        if (!head.isEmpty()) {
            int n = countGroups(head, doubleColon < 0);
            if (n < 0) {
                return false;
            }
            groups += n;
        }
        if (!tail.isEmpty()) {
            int n = countGroups(tail, true);
            if (n < 0) {
                return false;
            }
            groups += n;
        }
        return doubleColon < 0 ? groups == 8 : groups <= 7;
    }

    /** Groups in a colon-separated run, an IPv4 tail counting as two; -1 if malformed. */
    private static int countGroups(String run, boolean ipv4TailAllowed) {
        String[] parts = run.split(":", -1);
        int groups = 0;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (i == parts.length - 1 && ipv4TailAllowed && part.indexOf('.') >= 0) {
                if (!BackendsConfig.isIpv4(part)) {
                    return -1;
                }
                groups += 2;
            } else if (isHexGroup(part)) {
                groups++;
            } else {
                return -1;
            }
        }
        return groups;
    }

    private static boolean isHexGroup(String part) {
        if (part.isEmpty() || part.length() > 4) {
            return false;
        }
        for (int i = 0; i < part.length(); i++) {
            if (Character.digit(part.charAt(i), 16) < 0 || part.charAt(i) > 'f') {
                return false;
            }
        }
        return true;
    }
}
