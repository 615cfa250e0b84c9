package dev.rsp.core.proxy;

/**
 * Reads a request's Accept-Encoding (RFC 9110 12.5.3) for the one coding rsp applies, gzip. A coding named with
 * {@code q=0} is refused; one not named is taken when {@code *} is (with a q above 0); {@code x-gzip} is gzip. An
 * absent field takes no coding: rsp compresses only for clients that asked (as browsers and curl --compressed do),
 * although the RFC lets a server pick any coding then. Malformed members are skipped, never an error.
 */
final class AcceptEncoding {

    private AcceptEncoding() {
    }

    /** Whether {@code value} (the field's value, or null when the request had none) accepts gzip. */
    static boolean acceptsGzip(String value) {
        if (value == null) {
            return false;
        }
        int gzip = -1;
        int any = -1;
        int from = 0;
        int n = value.length();
        while (from <= n) {
            int comma = value.indexOf(',', from);
            int end = comma < 0 ? n : comma;
            int semi = value.indexOf(';', from);
            int nameEnd = semi >= 0 && semi < end ? semi : end;
            String name = value.substring(from, nameEnd).strip();
            int q = nameEnd < end ? quality(value, nameEnd + 1, end) : 1000;
            if (name.equalsIgnoreCase("gzip") || name.equalsIgnoreCase("x-gzip")) {
                gzip = Math.max(gzip, q);
            } else if (name.equals("*")) {
                any = Math.max(any, q);
            }
            from = end + 1;
        }
        return gzip >= 0 ? gzip > 0 : any > 0;
    }

    /**
     * The weight in thousandths from the parameters in {@code [from, to)}: {@code q=0.5} is 500; 1000 without a q;
     * 0 for a q that is not a valid qvalue (so a malformed weight never turns a refusal into an acceptance).
     */
    static int quality(String s, int from, int to) {
        for (String p : s.substring(from, to).split(";")) {
            String param = p.strip();
            if (param.length() < 2 || Character.toLowerCase(param.charAt(0)) != 'q' || param.charAt(1) != '=') {
                continue;
            }
            String v = param.substring(2).strip();
            if (!v.matches("0(\\.[0-9]{0,3})?|1(\\.0{0,3})?")) {
                return 0;
            }
            if (v.charAt(0) == '1') {
                return 1000;
            }
            String digits = v.length() > 2 ? v.substring(2) : "";
            return digits.isEmpty() ? 0 : Integer.parseInt((digits + "00").substring(0, 3));
        }
        return 1000;
    }
}
