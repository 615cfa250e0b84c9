/**
 * The TLS bundle's runtime side: {@link dev.rsp.tls.front.TlsComponent} (PID {@code rsp.tls}) registers the
 * {@link dev.rsp.spi.tls.TlsFront} service the core listens for, over the ClientHello parser of
 * {@code dev.rsp.tls.hello} and the certificate store of {@code dev.rsp.tls.certs}. Private to the bundle.
 */
package dev.rsp.tls.front;
