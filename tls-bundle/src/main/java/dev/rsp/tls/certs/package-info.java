/**
 * The certificates rsp terminates TLS with. {@link dev.rsp.tls.certs.CertificateStore} indexes {@code certs.dir} (flat
 * pairs, combined PEMs, certbot's {@code live/}) and the ACME component's storage without loading a key
 * ({@link dev.rsp.tls.certs.IndexScanner}, {@link dev.rsp.tls.certs.IndexReader}, remembered across restarts by
 * {@link dev.rsp.tls.certs.IndexCacheFile}), publishes an immutable {@link dev.rsp.tls.certs.CertificateSnapshot} that
 * selects by server name and signature schemes ({@link dev.rsp.tls.certs.KeyTypeChoice}), and loads certificates into
 * the bounded {@link dev.rsp.tls.certs.CertificateCache} when handshakes first ask for them (Bouncy Castle's PEM parser,
 * JDK providers). {@link dev.rsp.tls.certs.CertificateManager} is the seam to the ACME component. Private to the TLS
 * bundle, like the Bouncy Castle classes embedded with it.
 */
package dev.rsp.tls.certs;
