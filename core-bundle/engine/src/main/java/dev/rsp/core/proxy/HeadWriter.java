package dev.rsp.core.proxy;

import dev.rsp.core.edge.HeaderRules;
import dev.rsp.core.forwarded.ForwardedPolicy;
import dev.rsp.core.http.HttpHead;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;

/**
 * Writes the heads rsp sends on: the request head for the backend and the response head for the client. Header
 * lines that pass unchanged are copied byte for byte from the input buffer; hop-by-hop fields are dropped, the framing
 * fields written once in normal form, an absolute-form target's authority sent as Host, and the proxy's own fields
 * added.
 */
final class HeadWriter {

    static final byte[] CRLF = {'\r', '\n'};

    private HeadWriter() {
    }

    /**
     * What the request head for the backend adds to the client's.
     *
     * @param clientIp    the peer: the connection's client address, appended to X-Forwarded-For and Forwarded
     * @param tls         the client's scheme is https ({@code ExchangeFacts.https}): X-Forwarded-Proto and Forwarded's proto
     * @param upgrade     the Upgrade offers to forward (see {@link UpgradePolicy#offered}), "" for none
     * @param via         whether to add {@code Via} ({@code forwarded.via})
     * @param trustedPeer the peer is in {@code forwarded.trusted}: its X-Forwarded-For and Forwarded are kept (and
     *                    appended to); else they are dropped and rsp's replace them
     * @param header      which forwarding fields rsp writes ({@code forwarded.header})
     * @param rules       the header rules in force, and {@code ruleMask} the ones that apply ({@link HeaderRules#match})
     */
    record Forwarding(String clientIp, boolean tls, String upgrade, boolean http10Backend, boolean via,
                      boolean trustedPeer, ForwardedPolicy.Header header, HeaderRules rules, long ruleMask) {

        Forwarding(String clientIp, boolean tls, String upgrade, boolean http10Backend, boolean via) {
            this(clientIp, tls, upgrade, http10Backend, via, false, ForwardedPolicy.Header.X_FORWARDED, HeaderRules.NONE, 0);
        }
    }

    /**
     * Writes the request head for the backend into {@code out} (cleared first, flipped after), from the request's
     * fields whatever protocol they came in.
     *
     * @return false when it does not fit {@code out}
     */
    static boolean request(RequestFields r, Forwarding f, ByteBuffer out) {
        out.clear();
        try {
            ascii(out, r.method());
            out.put((byte) ' ');
            r.writeTarget(out);
            ascii(out, f.http10Backend() ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n");
            int n = r.fieldCount();
            for (int i = 0; i < n; i++) {
                if (!r.forwardedAsSent(i) || r.nameIs(i, "x-forwarded-proto") || r.nameIs(i, "x-forwarded-host")
                        || r.hostFromTarget() && r.nameIs(i, "host")) {
                    continue;
                }
                if (r.nameIs(i, "x-forwarded-for")) {
                    if (f.trustedPeer() && !f.header().writesX()) {
                        r.writeField(i, out);
                    }
                    continue;
                }
                if (r.nameIs(i, "forwarded")) {
                    if (f.trustedPeer() && !f.header().writesForwarded()) {
                        r.writeField(i, out);
                    }
                    continue;
                }
                if (f.ruleMask() != 0 && RequestEdits.drops(f.rules(), f.ruleMask(), r, i)) {
                    continue;
                }
                r.writeField(i, out);
            }
            if (f.header().writesX()) {
                ForwardingFields.xForwardedFor(r, f, out);
            }
            if (r.hostFromTarget()) {
                ascii(out, "Host: ");
                ascii(out, r.forwardedHost());
                out.put(CRLF);
            }
            if (r.rewritesFraming()) {
                framing(r.transferCodings(), r.contentLength(), out);
            }
            if (f.header().writesX()) {
                ascii(out, f.tls() ? "X-Forwarded-Proto: https\r\nX-Forwarded-Host: " : "X-Forwarded-Proto: http\r\nX-Forwarded-Host: ");
                ascii(out, r.forwardedHost());
                out.put(CRLF);
            }
            if (f.header().writesForwarded()) {
                ForwardingFields.forwarded(r, f, out);
            }
            if (f.via()) {
                ascii(out, r.versionMinor() == 0 ? "Via: 1.0 rsp\r\n" : "Via: 1.1 rsp\r\n");
            }
            if (!f.upgrade().isEmpty()) {
                ascii(out, "Connection: upgrade\r\nUpgrade: ");
                ascii(out, f.upgrade());
                out.put(CRLF);
            }
            if (f.ruleMask() != 0) {
                RequestEdits.writeFields(f.rules(), f.ruleMask(), out);
            }
            out.put(CRLF);
        } catch (BufferOverflowException e) {
            return false;
        }
        out.flip();
        return true;
    }

    /** How the response head for the client ends the connection's fields. */
    enum ClientConnection { KEEP_ALIVE_11, KEEP_ALIVE_10, CLOSE, UPGRADE, INTERIM }

    /**
     * Writes the response head for the client into {@code out} (cleared first, flipped after).
     *
     * @return false when it does not fit {@code out}
     */
    static boolean response(ByteBuffer src, HttpHead h, ClientConnection connection, ResponseEdits edits, ByteBuffer out) {
        out.clear();
        try {
            ascii(out, "HTTP/1.1");
            int lineEnd = h.headerCount() > 0 ? h.lineStart(0) : h.headEnd() - 2;
            // the status line after the version: " 200 OK\r\n"
            copy(src, h.headStart() + 8, lineEnd, out);
            for (int i = 0; i < h.headerCount(); i++) {
                if (!h.forwardedAsSent(i) || edits != null && edits.drops(src, h, i)) {
                    continue;
                }
                if (edits != null && edits.rewrites(src, h, i)) {
                    copy(src, h.lineStart(i), h.valueStart(i), out);
                    edits.writeValue(src, h, i, out);
                    out.put(CRLF);
                } else {
                    copy(src, h.lineStart(i), h.lineEnd(i), out);
                }
            }
            if (h.rewritesFraming()) {
                framing(h.transferCodings(), h.contentLength(), out);
            }
            if (edits != null) {
                edits.writeFields(out, false);
            }
            switch (connection) {
                case CLOSE -> ascii(out, "Connection: close\r\n");
                case KEEP_ALIVE_10 -> ascii(out, "Connection: keep-alive\r\n");
                case UPGRADE -> {
                    ascii(out, "Connection: upgrade\r\nUpgrade: ");
                    ascii(out, h.upgrade());
                    out.put(CRLF);
                }
                default -> { }
            }
            out.put(CRLF);
        } catch (BufferOverflowException e) {
            return false;
        }
        out.flip();
        return true;
    }

    /**
     * Writes the message's framing as one normalised field (see {@link HttpHead#framing}): the codings of its
     * Transfer-Encoding, else its Content-Length, else nothing.
     */
    private static void framing(String transferCodings, long contentLength, ByteBuffer out) {
        if (!transferCodings.isEmpty()) {
            ascii(out, "Transfer-Encoding: ");
            ascii(out, transferCodings);
            out.put(CRLF);
        } else if (contentLength >= 0) {
            ascii(out, "Content-Length: ");
            decimal(out, contentLength);
            out.put(CRLF);
        }
    }

    /** Writes a non-negative number in decimal without allocating. */
    static void decimal(ByteBuffer out, long value) {
        long scale = 1;
        while (scale <= value / 10) {
            scale *= 10;
        }
        for (; scale > 0; scale /= 10) {
            out.put((byte) ('0' + (value / scale) % 10));
        }
    }

    static void ascii(ByteBuffer out, String s) {
        for (int i = 0; i < s.length(); i++) {
            out.put((byte) s.charAt(i));
        }
    }

    static void copy(ByteBuffer src, int from, int to, ByteBuffer out) {
        int n = to - from;
        if (n > out.remaining()) {
            throw new BufferOverflowException();
        }
        out.put(out.position(), src, from, n);
        out.position(out.position() + n);
    }
}
