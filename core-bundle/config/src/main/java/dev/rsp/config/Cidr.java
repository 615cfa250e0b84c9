package dev.rsp.config;

import dev.rsp.host.HostNames;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An address range in CIDR notation, IPv4 ({@code 10.0.0.0/8}) or IPv6 ({@code 2001:db8::/32}); a bare address is its
 * own range ({@code /32}, {@code /128}). Literals only: nothing is ever looked up. Bits below the prefix are ignored,
 * as nginx and HAProxy do ({@code 10.1.2.3/8} is {@code 10.0.0.0/8}). An IPv4 range is written in IPv4 form: the
 * addresses the JDK reports for IPv4 clients of a dual-stack socket are IPv4 addresses, and match it.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class Cidr {

    private final byte[] network;
    private final int bits;
    private final String text;

    private Cidr(byte[] network, int bits) {
        this.network = network;
        this.bits = bits;
        this.text = show(network, bits);
    }

    /** A range, or the reason {@code text} is not one (one line, quoting it). */
    public static Cidr parse(String text, List<String> problems) {
        String v = text.strip();
        int slash = v.indexOf('/');
        String host = slash < 0 ? v : v.substring(0, slash).strip();
        boolean v6 = host.indexOf(':') >= 0;
        if (!(v6 ? HostNames.isIpv6(host, 0, host.length()) : HostNames.isIpv4(host, 0, host.length()))) {
            problems.add(Addresses.quote(v) + " is not an address range: expected an IPv4 or IPv6 address, optionally "
                    + "with /bits (10.0.0.0/8, 2001:db8::/32)");
            return null;
        }
        byte[] address;
        try {
            address = InetAddress.getByName(host).getAddress();
        } catch (UnknownHostException e) {
            problems.add(Addresses.quote(v) + " is not an address range: " + e.getMessage());
            return null;
        }
        if (v6 && address.length == 4) {
            problems.add(Addresses.quote(v) + ": write an IPv4-mapped range in IPv4 form (e.g. 10.0.0.0/8)");
            return null;
        }
        int max = address.length * 8;
        int bits = max;
        if (slash >= 0) {
            String b = v.substring(slash + 1).strip();
            bits = b.matches("[0-9]{1,3}") ? Integer.parseInt(b) : -1;
            if (bits < 0 || bits > max) {
                problems.add(Addresses.quote(v) + ": the prefix length must be 0 to " + max);
                return null;
            }
        }
        return new Cidr(mask(address, bits), bits);
    }

    /** A comma-separated list of ranges (empty: none); every bad entry adds one line naming {@code key}. */
    public static List<Cidr> parseList(String key, String text, List<String> errors) {
        List<Cidr> out = new ArrayList<>();
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            List<String> problems = new ArrayList<>(1);
            Cidr c = parse(part, problems);
            if (c == null) {
                problems.forEach(p -> errors.add(key + ": " + p));
            } else {
                out.add(c);
            }
        }
        return List.copyOf(out);
    }

    /** Whether {@code address} (4 or 16 bytes, as {@link InetAddress#getAddress()}) is in this range. */
    public boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int whole = bits / 8;
        for (int i = 0; i < whole; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        return rest == 0 || ((address[whole] ^ network[whole]) & (0xFF << (8 - rest)) & 0xFF) == 0;
    }

    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    private static byte[] mask(byte[] address, int bits) {
        byte[] m = address.clone();
        for (int i = 0; i < m.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - 8 * i));
            m[i] &= (byte) (0xFF << (8 - keep));
        }
        return m;
    }

    private static String show(byte[] network, int bits) {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + bits;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The normalized form, {@code 10.0.0.0/8}. */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.bits == bits && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + bits;
    }
}
