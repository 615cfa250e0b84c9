package dev.rsp.spi.tls;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Whether a TLS listener's connections start with a PROXY protocol header (HAProxy's spec, v1 text or v2 binary) from
 * a load balancer in front of rsp, and from whom it is taken. The core reads the header before the ClientHello: a
 * connection from an address outside {@code trusted} is closed, as is one whose header is missing, malformed, over
 * {@code maxV2Bytes} or not complete within {@code timeout}; otherwise the client address the header names is the
 * connection's client address from then on (a LOCAL header, e.g. a health check, keeps the TCP peer's).
 *
 * @param versions   the header versions accepted; {@link Versions#OFF}: none is expected (the other fields are unused)
 * @param trusted    the peers allowed to send a header, in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32},
 *                   a bare address); validated by the front. Not empty unless {@code versions} is OFF
 * @param timeout    how long a peer has to send the whole header after connecting
 * @param maxV2Bytes the largest v2 header, fixed part and TLVs included (52 to 65551; the core may cap it lower, at
 *                   its buffer size)
 * @since 0.7.0
 */
public record ProxyProtocol(Versions versions, List<String> trusted, Duration timeout, int maxV2Bytes) {

    /** Which header versions are required. */
    public enum Versions { OFF, V1, V2, ANY }

    /** No header expected: what a front that does not implement {@link TlsFront#proxyProtocol()} gives. */
    public static final ProxyProtocol OFF = new ProxyProtocol(Versions.OFF, List.of(), Duration.ofSeconds(5), 4096);

    public ProxyProtocol {
        Objects.requireNonNull(versions, "versions");
        trusted = List.copyOf(trusted);
        Objects.requireNonNull(timeout, "timeout");
    }
}
