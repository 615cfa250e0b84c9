package dev.rsp.distribution;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Trusts any server certificate: for clients that look at which certificate rsp presents (the distribution's
 * self-signed stand-in, one a test CA issued at run time) rather than at whether it chains to a root.
 */
final class TrustingAnything implements X509TrustManager {

    /** A client context trusting anything. */
    static SSLContext context() throws Exception {
        SSLContext any = SSLContext.getInstance("TLS");
        any.init(null, new TrustManager[] {new TrustingAnything()}, new SecureRandom());
        return any;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
