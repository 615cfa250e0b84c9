package dev.rsp.core.proxy;

import dev.rsp.core.net.Endpoint;
import dev.rsp.spi.tls.Termination;
import javax.net.ssl.SSLSession;

/**
 * Whether a client connection's certificate covers a request's host (else the exchange answers 421), for a connection
 * whose TLS rsp terminates. The certificate of a connection never changes, and keep-alive requests and HTTP/2 streams
 * on one connection nearly always name the same host: the last host found covered is remembered, so the certificate's
 * names are looked up once per connection and host, not once per request. Loop thread only.
 */
final class HostCoverage {

    private final Termination termination;
    private final Endpoint client;
    private String lastCovered;

    /** @param termination the TLS listener's termination, null when the connection is plain or passed through */
    HostCoverage(Termination termination, Endpoint client) {
        this.termination = termination;
        this.client = client;
    }

    boolean covers(String host) {
        if (termination == null || host.equals(lastCovered)) {
            return true;
        }
        SSLSession session = client.tlsSession();
        if (session == null) {
            return true;
        }
        if (termination.covers(session, host)) {
            lastCovered = host;
            return true;
        }
        return false;
    }
}
