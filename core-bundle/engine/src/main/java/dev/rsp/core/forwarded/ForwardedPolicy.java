package dev.rsp.core.forwarded;

import dev.rsp.config.Cidr;
import dev.rsp.host.HostNames;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Which peers' forwarding fields rsp believes, and which fields it writes ({@code forwarded.trusted},
 * {@code forwarded.header} of {@code rsp.core}). From a trusted peer (a proxy in front of rsp) the incoming
 * {@code X-Forwarded-For} / {@code Forwarded} list is kept and rsp appends the peer; the client address is then
 * taken from the list ({@link ClientChain}). From any other peer the incoming lists are dropped and replaced, and the
 * peer is the client. The peer is the connection's client address as the PROXY protocol left it. Immutable.
 *
 * @param trusted the ranges of trusted peers; empty: no one (every incoming list is replaced)
 * @param header  which fields rsp writes
 */
public record ForwardedPolicy(List<Cidr> trusted, Header header) {

    /** {@code forwarded.header}: the X- fields (X-Forwarded-For, -Proto, -Host), RFC 7239 Forwarded, or both. */
    public enum Header {
        X_FORWARDED, FORWARDED, BOTH;

        public boolean writesX() {
            return this != FORWARDED;
        }

        public boolean writesForwarded() {
            return this != X_FORWARDED;
        }
    }

    public static final ForwardedPolicy DEFAULT = new ForwardedPolicy(List.of(), Header.X_FORWARDED);

    public ForwardedPolicy {
        trusted = List.copyOf(trusted);
    }

    /** Reads the two keys; each problem adds one line naming its key to {@code errors}. */
    public static ForwardedPolicy read(String trustedList, String header, List<String> errors) {
        List<Cidr> ranges = Cidr.parseList("forwarded.trusted", trustedList, errors);
        Header h = switch (header.strip().toLowerCase(Locale.ROOT)) {
            case "x-forwarded" -> Header.X_FORWARDED;
            case "forwarded" -> Header.FORWARDED;
            case "both" -> Header.BOTH;
            default -> {
                errors.add("forwarded.header = '" + header + "': expected x-forwarded, forwarded or both");
                yield Header.X_FORWARDED;
            }
        };
        return new ForwardedPolicy(ranges, h);
    }

    /** Whether anyone is trusted at all (if not, nothing needs parsing). */
    public boolean trustsAnyone() {
        return !trusted.isEmpty();
    }

    /** Whether {@code ip} (an address literal, as the connection reports it) is a trusted peer. */
    public boolean trusts(String ip) {
        byte[] a = trusted.isEmpty() ? null : address(ip);
        return a != null && trusts(a);
    }

    boolean trusts(byte[] address) {
        for (Cidr c : trusted) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The bytes of an IPv4 or IPv6 literal (no brackets, no port), or null when {@code s} is not one. Never resolves. */
    static byte[] address(String s) {
        boolean v6 = s.indexOf(':') >= 0;
        if (!(v6 ? HostNames.isIpv6(s, 0, s.length()) : HostNames.isIpv4(s, 0, s.length()))) {
            return null;
        }
        try {
            // a literal checked above: getByName parses it and looks nothing up
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "forwarded " + header.name().toLowerCase(Locale.ROOT).replace('_', '-') + " trusting " + trusted;
    }
}
