package dev.rsp.core.http;

import java.nio.ByteBuffer;

/**
 * The meaning of the header fields that frame and route a message (Host, Content-Length, Transfer-Encoding,
 * Connection, Upgrade, Expect) and of the hop-by-hop fields, applied to each field line as soon as it is complete
 * and to the whole head once it has ended. Writes the framing facts into the {@link HttpHead}. The request rules
 * and the response rules differ only where RFC 9112 makes them differ. One instance per parser, one thread.
 */
final class HeadFieldRules {
    private static final int MAX_LENGTH_DIGITS = 18;

    private final boolean request;
    private final FieldList list = new FieldList();
    private int hostField;
    private boolean sawTransferEncoding;
    private boolean sawChunked;
    private boolean chunkedLast;
    private int codings;
    /** Framing fields seen, and whether one was not in its single canonical form (then all are rewritten). */
    private int framingFields;
    private boolean framingOdd;
    private int upgradeFields;
    private int connectionFields;
    private int firstConnectionField;
    private int lengthDigits;
    private Defect defect = Defect.BAD_FIELD_NAME;
    /** The Host of the previous request on this connection, kept across {@link #reset()} to be reused. */
    private String lastHost = "";

    HeadFieldRules(boolean request) {
        this.request = request;
        reset();
    }

    void reset() {
        hostField = -1;
        sawTransferEncoding = false;
        sawChunked = false;
        chunkedLast = false;
        codings = 0;
        framingFields = 0;
        framingOdd = false;
        upgradeFields = 0;
        connectionFields = 0;
        lengthDigits = 0;
    }

    /** Why the last {@code false} was returned. */
    Defect defect() {
        return defect;
    }

    /**
     * Applies the rules for field {@code i}, just added to {@code head}; false when the field is refused. Names
     * are told apart by length and first letter before being compared in full.
     */
    boolean field(ByteBuffer buf, HttpHead head, int i) {
        int nameStart = head.nameStart(i);
        int first = CharClass.at(buf, nameStart) | 0x20;
        switch (head.nameEnd(i) - nameStart) {
            case 2:
                if (first == 't') {
                    hopByHopIf(buf, head, i, "te");
                }
                return true;
            case 4:
                return !request || first != 'h' || !head.nameIs(buf, i, "host") || host(buf, head, i);
            case 6:
                return !request || first != 'e' || !head.nameIs(buf, i, "expect") || expect(buf, head, i);
            case 7:
                if (first == 't') {
                    hopByHopIf(buf, head, i, "trailer");
                } else if (first == 'u' && head.nameIs(buf, i, "upgrade")) {
                    head.markHopByHop(i);
                    upgradeFields++;
                }
                return true;
            case 10:
                if (first == 'k') {
                    hopByHopIf(buf, head, i, "keep-alive");
                    return true;
                }
                return first != 'c' || !head.nameIs(buf, i, "connection") || connection(buf, head, i);
            case 14:
                if (first == 'h') {
                    // Only meaningful with "Upgrade: h2c", which rsp never forwards (RFC 9113 3.1 obsoletes it).
                    hopByHopIf(buf, head, i, "http2-settings");
                    return true;
                }
                return first != 'c' || !head.nameIs(buf, i, "content-length") || contentLength(buf, head, i);
            case 16:
                if (first == 'p') {
                    hopByHopIf(buf, head, i, "proxy-connection");
                }
                return true;
            case 17:
                return first != 't' || !head.nameIs(buf, i, "transfer-encoding") || transferEncoding(buf, head, i);
            default:
                return true;
        }
    }

    /** Applies the rules that need the whole head; false when the head is refused. */
    boolean finish(ByteBuffer buf, HttpHead head) {
        if (request && hostField < 0) {
            return refuse(Defect.MISSING_HOST);
        }
        if (sawTransferEncoding && head.contentLength >= 0) {
            return refuse(Defect.CL_AND_TE);
        }
        if (request && sawTransferEncoding && !sawChunked) {
            return refuse(Defect.BAD_TRANSFER_ENCODING);
        }
        head.chunked = request ? sawChunked : chunkedLast;
        if (sawTransferEncoding) {
            head.transferCodings = codings == 1 && sawChunked ? "chunked" : joinedMembers(buf, head, "transfer-encoding");
        }
        if (framingFields > 1 || framingOdd) {
            markFramingFields(buf, head);
        }
        if (hostField >= 0) {
            lastHost = CharClass.stringOr(buf, head.valueStart(hostField), head.valueEnd(hostField), lastHost);
            head.host = lastHost;
        }
        if (head.absoluteForm) {
            // RFC 9112 3.2.2: the target's authority replaces Host, for routing and for what is forwarded alike.
            head.host = head.authority;
        }
        if (upgradeFields > 0) {
            head.upgrade = joinedValues(buf, head, "upgrade");
        }
        if (connectionFields > 0) {
            markConnectionOptions(buf, head);
        }
        return true;
    }

    private boolean host(ByteBuffer buf, HttpHead head, int i) {
        if (hostField >= 0) {
            return refuse(Defect.DUPLICATE_HOST);
        }
        hostField = i;
        int start = head.valueStart(i);
        int end = head.valueEnd(i);
        if (start == end) {
            return refuse(Defect.EMPTY_HOST);
        }
        for (int p = start; p < end; p++) {
            if (!CharClass.hostByte(CharClass.at(buf, p))) {
                return refuse(Defect.BAD_HOST);
            }
        }
        return true;
    }

    private boolean expect(ByteBuffer buf, HttpHead head, int i) {
        if (!CharClass.equalsLowerCase(buf, head.valueStart(i), head.valueEnd(i), "100-continue")) {
            return refuse(Defect.EXPECTATION_FAILED);
        }
        // RFC 9110 10.1.1: a 100-continue expectation in an HTTP/1.0 request is ignored.
        head.expectContinue = head.versionMinor == 1;
        return true;
    }

    private boolean connection(ByteBuffer buf, HttpHead head, int i) {
        head.markHopByHop(i);
        if (connectionFields++ == 0) {
            firstConnectionField = i;
        }
        list.of(buf, head.valueStart(i), head.valueEnd(i));
        while (list.next()) {
            if (list.empty()) {
                continue;
            }
            if (!CharClass.token(buf, list.start, list.stop)) {
                return refuse(Defect.BAD_CONNECTION);
            }
            if (list.is("close")) {
                head.connectionClose = true;
            } else if (list.is("keep-alive")) {
                head.connectionKeepAlive = true;
            } else if (list.is("upgrade")) {
                head.connectionUpgrade = true;
            }
        }
        return true;
    }

    private boolean contentLength(ByteBuffer buf, HttpHead head, int i) {
        framingFields++;
        list.of(buf, head.valueStart(i), head.valueEnd(i));
        int members = 0;
        while (list.next()) {
            int digits = list.stop - list.start;
            // canonical: one member, no leading zero ("0" itself is fine)
            framingOdd |= ++members > 1 || digits > 1 && CharClass.at(buf, list.start) == '0';
            if (digits == 0 || digits > MAX_LENGTH_DIGITS) {
                return refuse(Defect.BAD_CONTENT_LENGTH);
            }
            long value = 0;
            for (int p = list.start; p < list.stop; p++) {
                int b = CharClass.at(buf, p);
                if (!CharClass.digit(b)) {
                    return refuse(Defect.BAD_CONTENT_LENGTH);
                }
                value = value * 10 + (b - '0');
            }
            // Values must be identical as sent: "1" and "01" conflict, in case a recipient reads them differently.
            if (head.contentLength >= 0 && (head.contentLength != value || lengthDigits != digits)) {
                return refuse(Defect.CONFLICTING_CONTENT_LENGTH);
            }
            head.contentLength = value;
            lengthDigits = digits;
        }
        return true;
    }

    private boolean transferEncoding(ByteBuffer buf, HttpHead head, int i) {
        if (request && head.versionMinor == 0) {
            return refuse(Defect.TE_IN_HTTP10);
        }
        sawTransferEncoding = true;
        framingFields++;
        list.of(buf, head.valueStart(i), head.valueEnd(i));
        int members = 0;
        while (list.next()) {
            // canonical: one non-empty member
            framingOdd |= ++members > 1 || list.empty();
            if (list.empty()) {
                continue;
            }
            codings++;
            if (list.is("chunked")) {
                if (sawChunked) {
                    return refuse(Defect.CHUNKED_TWICE);
                }
                sawChunked = true;
                chunkedLast = true;
            } else if (!codingSyntax(buf, list.start, list.stop)) {
                return refuse(Defect.BAD_TRANSFER_ENCODING);
            } else if (request) {
                return refuse(Defect.UNSUPPORTED_TRANSFER_ENCODING);
            } else {
                chunkedLast = false;
            }
        }
        return true;
    }

    /** transfer-coding = token *( OWS ";" OWS transfer-parameter ), checked loosely past the token. */
    private static boolean codingSyntax(ByteBuffer buf, int start, int stop) {
        int nameEnd = start;
        while (nameEnd < stop && CharClass.tchar(CharClass.at(buf, nameEnd))) {
            nameEnd++;
        }
        if (nameEnd == start) {
            return false;
        }
        int p = nameEnd;
        while (p < stop && CharClass.ows(CharClass.at(buf, p))) {
            p++;
        }
        return p == stop || CharClass.at(buf, p) == ';';
    }

    /**
     * The framing fields were sent in a list form (several fields, several or empty members, leading zeros): every one
     * is marked to be replaced by a single normalised field when the message is forwarded. A single canonical field
     * goes on as it is (the common case costs nothing).
     */
    private static void markFramingFields(ByteBuffer buf, HttpHead head) {
        head.framingRewritten = true;
        for (int f = 0; f < head.headerCount(); f++) {
            if (head.nameIs(buf, f, "content-length") || head.nameIs(buf, f, "transfer-encoding")) {
                head.markFraming(f);
            }
        }
    }

    private void hopByHopIf(ByteBuffer buf, HttpHead head, int i, String lowerCaseName) {
        if (head.nameIs(buf, i, lowerCaseName)) {
            head.markHopByHop(i);
        }
    }

    /** Flags every field a Connection option names, except the fields the proxy frames and routes by. */
    private void markConnectionOptions(ByteBuffer buf, HttpHead head) {
        int count = head.headerCount();
        for (int c = firstConnectionField; c < count; c++) {
            if (!head.nameIs(buf, c, "connection")) {
                continue;
            }
            list.of(buf, head.valueStart(c), head.valueEnd(c));
            while (list.next()) {
                if (list.empty() || list.is("host") || list.is("content-length") || list.is("transfer-encoding")) {
                    continue;
                }
                for (int f = 0; f < count; f++) {
                    if (CharClass.equalsIgnoreCase(buf, head.nameStart(f), head.nameEnd(f), list.start, list.stop)) {
                        head.markHopByHop(f);
                    }
                }
            }
        }
    }

    /** The non-empty list members of every field named {@code lowerCaseName}, joined by ", ". */
    private String joinedMembers(ByteBuffer buf, HttpHead head, String lowerCaseName) {
        StringBuilder joined = new StringBuilder();
        for (int f = 0; f < head.headerCount(); f++) {
            if (head.nameIs(buf, f, lowerCaseName)) {
                list.of(buf, head.valueStart(f), head.valueEnd(f));
                while (list.next()) {
                    if (!list.empty()) {
                        joined.append(joined.length() == 0 ? "" : ", ").append(CharClass.string(buf, list.start, list.stop));
                    }
                }
            }
        }
        return joined.toString();
    }

    private static String joinedValues(ByteBuffer buf, HttpHead head, String lowerCaseName) {
        StringBuilder joined = new StringBuilder();
        for (int f = 0; f < head.headerCount(); f++) {
            if (head.nameIs(buf, f, lowerCaseName) && head.valueStart(f) < head.valueEnd(f)) {
                if (joined.length() > 0) {
                    joined.append(", ");
                }
                joined.append(head.value(buf, f));
            }
        }
        return joined.toString();
    }

    private boolean refuse(Defect found) {
        defect = found;
        return false;
    }
}
