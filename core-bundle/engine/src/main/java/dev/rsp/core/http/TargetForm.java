package dev.rsp.core.http;

import static dev.rsp.core.http.CharClass.at;

import java.nio.ByteBuffer;

/**
 * Classifies a request-target (RFC 9112 3.2) whose bytes are already known to be visible ASCII: origin-form,
 * absolute-form with an http or https scheme, or asterisk-form for OPTIONS. Authority-form, which only CONNECT
 * uses, is not served. Fills target, absoluteForm and authority of the head. One instance per parser, one thread.
 */
final class TargetForm {
    private Defect defect = Defect.BAD_TARGET;
    /** The last origin-form target, reused when the next request on the connection sends the same bytes. */
    private String lastOriginForm = "";

    /** Why the last {@code false} was returned. */
    Defect defect() {
        return defect;
    }

    /** Classifies buf[head.targetStart, head.targetEnd) for head.method; false when refused. */
    boolean classify(ByteBuffer buf, HttpHead head) {
        int start = head.targetStart;
        int end = head.targetEnd;
        int first = at(buf, start);
        if (first == '/') {
            lastOriginForm = CharClass.stringOr(buf, start, end, lastOriginForm);
            head.target = lastOriginForm;
            return true;
        }
        if (first == '*') {
            if (end - start != 1 || !"OPTIONS".equals(head.method)) {
                return refuse(Defect.BAD_TARGET);
            }
            head.target = "*";
            return true;
        }
        int authorityStart = afterHttpScheme(buf, start, end);
        if (authorityStart < 0) {
            return refuse(authorityForm(buf, start, end) ? Defect.CONNECT_UNSUPPORTED : Defect.BAD_TARGET);
        }
        int authorityEnd = authorityStart;
        while (authorityEnd < end && at(buf, authorityEnd) != '/' && at(buf, authorityEnd) != '?') {
            authorityEnd++;
        }
        if (authorityEnd == authorityStart || !hostBytes(buf, authorityStart, authorityEnd)) {
            return refuse(Defect.BAD_TARGET);
        }
        head.absoluteForm = true;
        head.authority = CharClass.string(buf, authorityStart, authorityEnd);
        if (authorityEnd == end) {
            head.target = "/";
        } else if (at(buf, authorityEnd) == '?') {
            head.target = "/" + CharClass.string(buf, authorityEnd, end);
        } else {
            head.target = CharClass.string(buf, authorityEnd, end);
        }
        return true;
    }

    /** Index after "http://" or "https://" (any case) at {@code start}, or -1. */
    private static int afterHttpScheme(ByteBuffer buf, int start, int end) {
        if (CharClass.equalsLowerCase(buf, start, Math.min(end, start + 7), "http://")) {
            return start + 7;
        }
        if (CharClass.equalsLowerCase(buf, start, Math.min(end, start + 8), "https://")) {
            return start + 8;
        }
        return -1;
    }

    /** authority-form as CONNECT sends it: host ":" port, port all digits. */
    private static boolean authorityForm(ByteBuffer buf, int start, int end) {
        int colon = end - 1;
        while (colon > start && CharClass.digit(at(buf, colon))) {
            colon--;
        }
        return colon > start && colon < end - 1 && at(buf, colon) == ':' && hostBytes(buf, start, colon);
    }

    /** Host bytes without userinfo: "@" is in no host, and a request-target must not carry credentials. */
    private static boolean hostBytes(ByteBuffer buf, int start, int end) {
        for (int p = start; p < end; p++) {
            if (!CharClass.hostByte(at(buf, p))) {
                return false;
            }
        }
        return true;
    }

    private boolean refuse(Defect found) {
        defect = found;
        return false;
    }
}
