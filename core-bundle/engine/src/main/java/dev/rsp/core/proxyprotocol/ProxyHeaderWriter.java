package dev.rsp.core.proxyprotocol;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes the PROXY protocol header rsp sends first on a connection to a backend marked {@code ;send-proxy=v1|v2}:
 * the client's address and port and the address and port it connected to, in the spec's version 1 line or version 2
 * block ({@link #proxied}), or the header that names no client ({@link #local}: v2 LOCAL, v1 {@code UNKNOWN}), which
 * health checks send. No TLVs. When one address is IPv4 and the other IPv6, the IPv4 one is written IPv4-mapped, so
 * both have the family the header names. Stateless.
 */
public final class ProxyHeaderWriter {

    /** The longest header written: a v2 block for IPv6 (16 + 36 bytes); a v1 line is at most 104 bytes. */
    public static final int MAX_LENGTH = 107;

    private static final byte V2_PROXY = 0x21;
    private static final byte V2_LOCAL = 0x20;

    private ProxyHeaderWriter() {
    }

    /**
     * The header naming {@code source} connecting to {@code destination} (both resolved); version 1 or 2.
     *
     * @throws IllegalArgumentException for another version or an unresolved address
     */
    public static byte[] proxied(int version, InetSocketAddress source, InetSocketAddress destination) {
        InetAddress from = address(source);
        InetAddress to = address(destination);
        if (from instanceof Inet6Address || to instanceof Inet6Address) {
            from = mapped(from);
            to = mapped(to);
        }
        return switch (version) {
            case 1 -> v1Line(from, source.getPort(), to, destination.getPort());
            case 2 -> v2Block(from, source.getPort(), to, destination.getPort());
            default -> throw new IllegalArgumentException("PROXY protocol version " + version);
        };
    }

    /** The header that names no client: {@code PROXY UNKNOWN\r\n} (v1) or a v2 LOCAL block. */
    public static byte[] local(int version) {
        return switch (version) {
            case 1 -> "PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII);
            case 2 -> ByteBuffer.allocate(16).put(ProxyHeaderParser.V2_SIGNATURE).put(V2_LOCAL).put((byte) 0)
                    .putShort((short) 0).array();
            default -> throw new IllegalArgumentException("PROXY protocol version " + version);
        };
    }

    private static byte[] v1Line(InetAddress from, int fromPort, InetAddress to, int toPort) {
        String family = from instanceof Inet4Address ? "TCP4" : "TCP6";
        String line = "PROXY " + family + " " + text(from) + " " + text(to) + " " + fromPort + " " + toPort + "\r\n";
        return line.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] v2Block(InetAddress from, int fromPort, InetAddress to, int toPort) {
        boolean v4 = from instanceof Inet4Address;
        int block = v4 ? V2BlockParser.INET_BLOCK : V2BlockParser.INET6_BLOCK;
        ByteBuffer b = ByteBuffer.allocate(V2BlockParser.FIXED + block);
        b.put(ProxyHeaderParser.V2_SIGNATURE).put(V2_PROXY).put((byte) (v4 ? V2BlockParser.TCP4 : V2BlockParser.TCP6))
                .putShort((short) block);
        b.put(from.getAddress()).put(to.getAddress()).putShort((short) fromPort).putShort((short) toPort);
        return b.array();
    }

    private static InetAddress address(InetSocketAddress a) {
        if (a == null || a.getAddress() == null) {
            throw new IllegalArgumentException("unresolved address " + a);
        }
        return a.getAddress();
    }

    /** IPv4 as an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}); IPv6 as it is, without a scope. */
    private static InetAddress mapped(InetAddress a) {
        byte[] raw = a.getAddress();
        byte[] v6 = new byte[16];
        if (raw.length == 4) {
            v6[10] = (byte) 0xFF;
            v6[11] = (byte) 0xFF;
            System.arraycopy(raw, 0, v6, 12, 4);
        } else {
            System.arraycopy(raw, 0, v6, 0, 16);
        }
        try {
            // getByAddress with 16 bytes gives an Inet6Address only when they are not IPv4-mapped, so build it so.
            return Inet6Address.getByAddress(null, v6, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are an IPv6 address", e);
        }
    }

    /** The address in the text form v1 wants: dotted IPv4, or IPv6 in its hexadecimal groups without a scope. */
    private static String text(InetAddress a) {
        if (a instanceof Inet4Address) {
            return a.getHostAddress();
        }
        byte[] b = a.getAddress();
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 16; i += 2) {
            sb.append(i == 0 ? "" : ":").append(Integer.toHexString(((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF)));
        }
        return sb.toString();
    }
}
