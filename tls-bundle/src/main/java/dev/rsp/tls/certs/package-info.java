/**
 * The certificates rsp terminates TLS with: {@link dev.rsp.tls.certs.CertificateStore} reads a directory of PEM pairs
 * (Bouncy Castle's PEM parser, JDK providers), builds one {@link javax.net.ssl.SSLContext} per certificate off the
 * network threads and publishes an immutable {@link dev.rsp.tls.certs.CertificateSnapshot} that selects by server
 * name. Private to the TLS bundle, like the Bouncy Castle classes embedded with it.
 */
package dev.rsp.tls.certs;
