package dev.rsp.core.proxy;

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

    private static final byte[] CRLF = {'\r', '\n'};

    private HeadWriter() {
    }

    /**
     * What the request head for the backend adds to the client's.
     *
     * @param upgrade the Upgrade offers to forward (see {@link UpgradePolicy#offered}), "" for none
     * @param via     whether to add {@code Via} ({@code forwarded.via})
     */
    record Forwarding(String clientIp, boolean tls, String upgrade, boolean http10Backend, boolean via) {
    }

    /**
     * Writes the request head for the backend into {@code out} (cleared first, flipped after).
     *
     * @return false when it does not fit {@code out}
     */
    static boolean request(ByteBuffer src, HttpHead h, Forwarding f, ByteBuffer out) {
        out.clear();
        try {
            ascii(out, h.method());
            out.put((byte) ' ');
            if (h.absoluteForm()) {
                ascii(out, h.target());
            } else {
                copy(src, h.targetStart(), h.targetEnd(), out);
            }
            ascii(out, f.http10Backend() ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n");
            int xff = -1;
            for (int i = 0; i < h.headerCount(); i++) {
                if (!h.forwardedAsSent(i) || h.nameIs(src, i, "x-forwarded-proto") || h.nameIs(src, i, "x-forwarded-host")
                        || h.absoluteForm() && h.nameIs(src, i, "host")) {
                    continue;
                }
                if (h.nameIs(src, i, "x-forwarded-for")) {
                    xff = xff < 0 ? i : xff;
                    continue;
                }
                copy(src, h.lineStart(i), h.lineEnd(i), out);
            }
            ascii(out, "X-Forwarded-For: ");
            if (xff >= 0) {
                for (int i = xff; i < h.headerCount(); i++) {
                    if (h.nameIs(src, i, "x-forwarded-for")) {
                        copy(src, h.valueStart(i), h.valueEnd(i), out);
                        ascii(out, ", ");
                    }
                }
            }
            ascii(out, f.clientIp());
            if (h.absoluteForm()) {
                ascii(out, "\r\nHost: ");
                ascii(out, h.host());
            }
            framing(h, out, "\r\n");
            ascii(out, f.tls() ? "X-Forwarded-Proto: https\r\nX-Forwarded-Host: " : "X-Forwarded-Proto: http\r\nX-Forwarded-Host: ");
            ascii(out, h.host());
            if (f.via()) {
                ascii(out, h.versionMinor() == 0 ? "\r\nVia: 1.0 rsp\r\n" : "\r\nVia: 1.1 rsp\r\n");
            } else {
                out.put(CRLF);
            }
            if (!f.upgrade().isEmpty()) {
                ascii(out, "Connection: upgrade\r\nUpgrade: ");
                ascii(out, f.upgrade());
                out.put(CRLF);
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
    static boolean response(ByteBuffer src, HttpHead h, ClientConnection connection, ByteBuffer out) {
        out.clear();
        try {
            ascii(out, "HTTP/1.1");
            int lineEnd = h.headerCount() > 0 ? h.lineStart(0) : h.headEnd() - 2;
            // the status line after the version: " 200 OK\r\n"
            copy(src, h.headStart() + 8, lineEnd, out);
            for (int i = 0; i < h.headerCount(); i++) {
                if (h.forwardedAsSent(i)) {
                    copy(src, h.lineStart(i), h.lineEnd(i), out);
                }
            }
            framing(h, out, "");
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
     * Transfer-Encoding, else its Content-Length, else nothing. {@code before} ends the previous line when needed.
     */
    private static void framing(HttpHead h, ByteBuffer out, String before) {
        ascii(out, before);
        if (!h.transferCodings().isEmpty()) {
            ascii(out, "Transfer-Encoding: ");
            ascii(out, h.transferCodings());
            out.put(CRLF);
        } else if (h.contentLength() >= 0) {
            ascii(out, "Content-Length: ");
            decimal(out, h.contentLength());
            out.put(CRLF);
        }
    }

    /** Writes a non-negative number in decimal without allocating. */
    private static void decimal(ByteBuffer out, long value) {
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

    private static void copy(ByteBuffer src, int from, int to, ByteBuffer out) {
        int n = to - from;
        if (n > out.remaining()) {
            throw new BufferOverflowException();
        }
        out.put(out.position(), src, from, n);
        out.position(out.position() + n);
    }
}
