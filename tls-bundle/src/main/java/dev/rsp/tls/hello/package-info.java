/**
 * ClientHello inspection: {@link dev.rsp.tls.hello.ClientHelloParser} reads SNI, ALPN and the offered versions from
 * the first bytes of a connection without consuming them. Pure (no I/O, no clock), bounded, and private to the TLS
 * bundle: {@code dev.rsp.tls.front} drives it for the core.
 */
package dev.rsp.tls.hello;
