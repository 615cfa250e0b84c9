package dev.rsp.core.proxy;

import dev.rsp.core.net.Endpoint;
import dev.rsp.core.net.TlsRenegotiationRefused;
import dev.rsp.spi.tls.Termination;
import java.io.IOException;
import javax.net.ssl.SSLException;

/**
 * What an {@link Http1Connection} decides around its request heads before HTTP/1.1 is settled: the end of the TLS
 * handshake (counted once, then ALPN's choice of protocol), the h2c preface on a cleartext connection before the first
 * head, the {@link H2Connection} that takes over when the client speaks HTTP/2, and the counter of a read that ended
 * the connection while a head was awaited. It reads nothing itself: the connection's {@link Http1RequestHeads} reads
 * and asks it after each read.
 * Loop thread only (its connection's).
 */
final class Http1Opening {

    /** What the connection does after a read. */
    enum Next {
        /** Go on with the head (as the read's outcome says). */
        HTTP1,
        /** The client speaks HTTP/2: hand the endpoint over. */
        HTTP2,
        /** Nothing here can serve the client: close. */
        CLOSE,
        /** Too little input to tell the h2c preface from a head yet: the head has begun, wait for more. */
        WAIT
    }

    private final ProxyEngine engine;
    private final LoopContext ctx;
    private final Endpoint client;
    private final String clientIp;
    private final RequestView view;
    /** The TLS listener's termination when the connection's TLS is terminated here; null otherwise. */
    private final Termination termination;
    private final boolean onTlsListener;
    private boolean handshakeCounted;
    /** No request head was complete yet: the h2c preface is looked for. */
    private boolean firstHead = true;

    /** The parameters are the connection's (see {@link Http1Connection}'s constructor). */
    Http1Opening(ProxyEngine engine, LoopContext ctx, Endpoint client, String clientIp, RequestView view,
            Termination termination, boolean onTlsListener) {
        this.engine = engine;
        this.ctx = ctx;
        this.client = client;
        this.clientIp = clientIp;
        this.view = view;
        this.termination = termination;
        this.onTlsListener = onTlsListener;
        this.handshakeCounted = termination == null;
    }

    /** Called after every read of a head, with its outcome. */
    Next afterRead(HeadReader.Outcome outcome) {
        if (!handshakeCounted && !client.tlsHandshaking()) {
            handshakeCounted = true;
            Next n = handshakeDone();
            if (n != Next.HTTP1) {
                return n;
            }
        }
        if (firstHead && !client.isTls() && client.hasInput() && engine.settings().h2Cleartext()) {
            ProtocolChoice.Choice c = ProtocolChoice.preface(client.input());
            if (c == ProtocolChoice.Choice.HTTP2) {
                return Next.HTTP2;
            }
            if (c == ProtocolChoice.Choice.WAIT && outcome != HeadReader.Outcome.CLOSED && outcome != HeadReader.Outcome.FAILED) {
                return Next.WAIT;
            }
        }
        return Next.HTTP1;
    }

    /** The handshake just completed: counted, and ALPN's protocol chosen. */
    private Next handshakeDone() {
        count(Counter.TLS_HANDSHAKE_DONE);
        if (client.tlsResumed()) {
            count(Counter.TLS_HANDSHAKE_RESUMED);
        } else {
            count(Counter.TLS_HANDSHAKE_FULL);
        }
        switch (ProtocolChoice.alpn(client.tlsApplicationProtocol())) {
            case HTTP2 -> {
                return Next.HTTP2;
            }
            case UNSPOKEN -> {
                // Nothing here can parse what the client sends (the front offered a protocol rsp does not speak);
                // acme-tls/1 (RFC 8737) is a CA's validation: the handshake was all it needed.
                if ("acme-tls/1".equals(client.tlsApplicationProtocol())) {
                    count(Counter.TLS_ACME_VALIDATION);
                } else {
                    count(Counter.TLS_ALPN_UNSPOKEN);
                }
                return Next.CLOSE;
            }
            default -> {
                return Next.HTTP1;
            }
        }
    }

    /**
     * After {@link Next#HTTP2}: the {@link H2Connection} to hand the endpoint over to, with what the client sent so far
     * still in its input (not started yet).
     */
    H2Connection http2() {
        return new H2Connection(engine, ctx, client, view.clientAddress(), termination, onTlsListener, view.sni());
    }

    /** A request head was complete (or refused): from now on no h2c preface is looked for. */
    void headSeen() {
        firstHead = false;
    }

    /** Counts the client closing while a head was awaited (nothing is counted when nothing of a head had come). */
    void countClosed() {
        if (client.tlsHandshaking()) {
            count(Counter.TLS_HANDSHAKE_CLOSED);
        } else if (client.hasInput()) {
            count(Counter.CLIENT_CLOSED_MID_HEAD);
        }
    }

    /** Counts a failed read while a head was awaited (a failed handshake is also logged at debug). */
    void countFailed(IOException failure) {
        if (client.tlsHandshaking()) {
            count(Counter.TLS_HANDSHAKE_FAILED);
            ProxyEngine.log.debug("TLS handshake with {} failed: {}", clientIp, failure.toString());
        } else if (failure instanceof TlsRenegotiationRefused) {
            count(Counter.TLS_RENEGOTIATION_REFUSED);
        } else if (failure instanceof SSLException) {
            count(Counter.TLS_READ_ERROR);
        } else {
            count(Counter.CLIENT_READ_ERROR);
        }
    }

    private void count(Counter c) {
        engine.counters().count(c);
    }
}
