package dev.rsp.spi.tls;

/**
 * What the core does with a TLS connection after its ClientHello, as a type: exactly one of {@link Termination} and
 * {@link Passthrough}. A TLS bundle implements one of the two; the core tells them apart with {@code instanceof}.
 */
public sealed interface TlsHandling permits Termination, Passthrough {
}
