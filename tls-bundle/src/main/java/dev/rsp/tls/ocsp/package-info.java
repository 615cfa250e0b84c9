/**
 * OCSP stapling: {@link dev.rsp.tls.ocsp.OcspExchange} builds requests and checks responses (Bouncy Castle's
 * {@code cert.ocsp}), {@link dev.rsp.tls.ocsp.OcspStapler} fetches them off the loops (the JDK's HTTP client), keeps
 * them until their nextUpdate and hands them to the native engine per connection. Private to the TLS bundle.
 */
package dev.rsp.tls.ocsp;
