package dev.rsp.config;

import java.util.List;
import java.util.Locale;

/**
 * The PROXY protocol keys of a listener, read alike by {@code rsp.core} (the HTTP listener) and {@code rsp.tls} (the TLS
 * listener), and by {@code bin/rsp check}:
 * <ul>
 *   <li>{@code proxy.protocol}: {@code off} (default), {@code v1}, {@code v2} or {@code any}: every connection must start
 *       with a PROXY header of an accepted version;</li>
 *   <li>{@code proxy.trusted}: the address ranges (CIDRs, comma-separated) of the load balancers allowed to send it;
 *       required when {@code proxy.protocol} is on (see {@link #read});</li>
 *   <li>{@code proxy.timeout.ms}: how long a trusted peer has to send the whole header after connecting;</li>
 *   <li>{@code proxy.max.v2.bytes}: the largest v2 header (16 fixed bytes, addresses and TLVs).</li>
 * </ul>
 */
public final class ProxyProtocolKeys {

    /** Which header versions a listener requires. */
    public enum Versions { OFF, V1, V2, ANY }

    /** A listener's validated PROXY protocol settings. */
    public record Values(Versions versions, List<Cidr> trusted, long timeoutMs, int maxV2Bytes) {
        public Values {
            trusted = List.copyOf(trusted);
        }

        public boolean on() {
            return versions != Versions.OFF;
        }
    }

    /**
     * The header comes from a load balancer in the first packet of its connection (HAProxy writes it as soon as it has
     * connected, before any client byte), so any real sender is done within a round trip; 5 s covers a far, busy one and
     * lets a peer that sends nothing hold a connection slot no longer than that (nginx's proxy_protocol_timeout is 30 s,
     * Envoy's listener filter timeout 15 s; both also wait for clients that never send one).
     */
    public static final long DEFAULT_TIMEOUT_MS = 5_000;
    public static final long MIN_TIMEOUT_MS = 100;
    public static final long MAX_TIMEOUT_MS = 60_000;
    /** Room for the TLVs HAProxy sends (authority, ALPN, SSL details, unique ID) many times over. */
    public static final int DEFAULT_MAX_V2_BYTES = 4096;
    /** The fixed part and an IPv6 address block. */
    public static final int MIN_MAX_V2_BYTES = 52;
    /** 16 fixed bytes and a 16-bit length. */
    public static final int MAX_MAX_V2_BYTES = 16 + 0xFFFF;

    public static final Values OFF = new Values(Versions.OFF, List.of(), DEFAULT_TIMEOUT_MS, DEFAULT_MAX_V2_BYTES);

    private ProxyProtocolKeys() {
    }

    /**
     * Validates the four values; each problem adds one line naming its key to {@code errors} and the result is then
     * null. A bad {@code proxy.trusted} is an error even while {@code proxy.protocol} is off.
     *
     * <p>{@code proxy.protocol} on with an empty {@code proxy.trusted} is an error, not a default: a receiver must
     * not take client addresses from anyone who connects (the spec's security section), and a silent default such
     * as loopback only would refuse every connection of a load balancer on another host without a word at start.
     * Trusting everyone is possible, but has to be written ({@code 0.0.0.0/0, ::/0}).
     */
    public static Values read(String versions, String trusted, long timeoutMs, long maxV2Bytes, List<String> errors) {
        int before = errors.size();
        Versions v = switch (versions.strip().toLowerCase(Locale.ROOT)) {
            case "off" -> Versions.OFF;
            case "v1" -> Versions.V1;
            case "v2" -> Versions.V2;
            case "any" -> Versions.ANY;
            default -> {
                errors.add("proxy.protocol = " + Addresses.quote(versions) + ": expected off, v1, v2 or any");
                yield null;
            }
        };
        List<Cidr> ranges = Cidr.parseList("proxy.trusted", trusted, errors);
        if (v != null && v != Versions.OFF && ranges.isEmpty() && errors.size() == before) {
            errors.add("proxy.trusted: required with proxy.protocol = " + v.name().toLowerCase(Locale.ROOT)
                    + ": the addresses of the load balancers that send the header (CIDRs, e.g. 10.0.0.0/8, "
                    + "2001:db8::/32); 0.0.0.0/0, ::/0 trusts everyone");
        }
        if (timeoutMs < MIN_TIMEOUT_MS || timeoutMs > MAX_TIMEOUT_MS) {
            errors.add("proxy.timeout.ms = " + timeoutMs + ": expected " + MIN_TIMEOUT_MS + " to " + MAX_TIMEOUT_MS);
        }
        if (maxV2Bytes < MIN_MAX_V2_BYTES || maxV2Bytes > MAX_MAX_V2_BYTES) {
            errors.add("proxy.max.v2.bytes = " + maxV2Bytes + ": expected " + MIN_MAX_V2_BYTES + " to " + MAX_MAX_V2_BYTES);
        }
        if (errors.size() > before) {
            return null;
        }
        return new Values(v, ranges, timeoutMs, (int) maxV2Bytes);
    }
}
