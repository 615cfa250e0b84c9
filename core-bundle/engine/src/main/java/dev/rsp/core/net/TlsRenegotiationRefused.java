package dev.rsp.core.net;

import javax.net.ssl.SSLException;

/**
 * Thrown by a TLS endpoint's read when the peer of an established TLS 1.2 (or older) session starts a new handshake:
 * renegotiation, which rsp refuses (each one would cost a full handshake on an open connection). The record was not
 * given to the engine; the endpoint is to be closed, which sends a close_notify.
 */
public final class TlsRenegotiationRefused extends SSLException {

    private static final long serialVersionUID = 1L;

    TlsRenegotiationRefused(String protocol) {
        super("TLS renegotiation refused (" + protocol + ")");
    }

    /** True when {@code protocol} has renegotiation (below TLS 1.3), so handshake records after the first are refused. */
    static boolean possibleIn(String protocol) {
        return switch (protocol) {
            case "TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3" -> true;
            default -> false;
        };
    }
}
