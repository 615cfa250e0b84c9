package dev.rsp.core.proxyprotocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The v2 binary header after its signature: version/command, family/transport, a 16-bit length, the address block
 * and TLVs. Accepts version 2 with LOCAL or PROXY; for PROXY, TCP over IPv4 or IPv6, or UNSPEC (treated as LOCAL, as
 * the spec requires). The whole header is read before anything is decided beyond the fixed part: it is small and
 * capped. TLVs must tile the rest exactly; PP2_TYPE_CRC32C is checked, PP2_TYPE_AUTHORITY is exposed, others are
 * skipped.
 */
final class V2BlockParser {
    static final int FIXED = 16;
    static final int INET_BLOCK = 12;
    static final int INET6_BLOCK = 36;
    static final int UNIX_BLOCK = 216;

    static final int CMD_LOCAL = 0x0;
    static final int CMD_PROXY = 0x1;
    static final int TCP4 = 0x11;
    static final int TCP6 = 0x21;
    static final int TYPE_AUTHORITY = 0x02;
    static final int TYPE_CRC32C = 0x03;
    private static final int MAX_AUTHORITY = 255;

    private final int maxLength;
    private final CRC32C crc = new CRC32C();
    private int needed;
    private ProxyHeader header;
    private Optional<String> authority;
    private int crcAt;

    V2BlockParser(int maxLength) {
        this.maxLength = maxLength;
    }

    /** NOT_REJECTED with {@link #header()} null means more bytes are needed ({@link #needed()}). */
    ProxyHeaderRejection parse(ByteBuffer buf, int start, int limit) {
        header = null;
        int have = limit - start;
        if (have < FIXED) {
            needed = FIXED;
            return ProxyHeaderRejection.NOT_REJECTED;
        }
        int versionCommand = buf.get(start + 12) & 0xFF;
        int command = versionCommand & 0x0F;
        if (versionCommand >> 4 != 2 || (command != CMD_LOCAL && command != CMD_PROXY)) {
            return ProxyHeaderRejection.V2_BAD_VERSION_OR_COMMAND;
        }
        int family = buf.get(start + 13) & 0xFF;
        int length = FIXED + (u16(buf, start + 14));
        if (length > maxLength) {
            return ProxyHeaderRejection.V2_TOO_LONG;
        }
        boolean local = command == CMD_LOCAL || family == 0;
        if (!local && family != TCP4 && family != TCP6) {
            return ProxyHeaderRejection.V2_UNSUPPORTED_FAMILY;
        }
        if (have < length) {
            needed = length;
            return ProxyHeaderRejection.NOT_REJECTED;
        }
        int block = switch (family >> 4) {
            case 0 -> 0;
            case 1 -> INET_BLOCK;
            case 2 -> INET6_BLOCK;
            case 3 -> UNIX_BLOCK;
            default -> -1;
        };
        if (block < 0) {
            // LOCAL with an unknown family: the addresses are to be ignored and where TLVs start is unknown.
            header = new ProxyHeader.Local(2, length, Optional.empty());
            return ProxyHeaderRejection.NOT_REJECTED;
        }
        if (length - FIXED < block) {
            return ProxyHeaderRejection.V2_SHORT_ADDRESSES;
        }
        ProxyHeaderRejection r = tlvs(buf, start + FIXED + block, start + length);
        if (r != ProxyHeaderRejection.NOT_REJECTED) {
            return r;
        }
        if (crcAt >= 0 && !crcMatches(buf, start, start + length)) {
            return ProxyHeaderRejection.CRC_MISMATCH;
        }
        if (local) {
            header = new ProxyHeader.Local(2, length, authority);
            return ProxyHeaderRejection.NOT_REJECTED;
        }
        return addresses(buf, start + FIXED, family == TCP4 ? 4 : 16, length);
    }

    private ProxyHeaderRejection tlvs(ByteBuffer buf, int from, int end) {
        authority = Optional.empty();
        crcAt = -1;
        int p = from;
        while (p < end) {
            if (end - p < 3) {
                return ProxyHeaderRejection.V2_BAD_TLV;
            }
            int type = buf.get(p) & 0xFF;
            int len = u16(buf, p + 1);
            int value = p + 3;
            if (len > end - value) {
                return ProxyHeaderRejection.V2_BAD_TLV;
            }
            if (type == TYPE_CRC32C) {
                if (len != 4 || crcAt >= 0) {
                    return ProxyHeaderRejection.V2_BAD_TLV;
                }
                crcAt = value;
            } else if (type == TYPE_AUTHORITY) {
                if (authority.isPresent() || len == 0 || len > MAX_AUTHORITY || !printable(buf, value, value + len)) {
                    return ProxyHeaderRejection.V2_BAD_TLV;
                }
                byte[] text = new byte[len];
                buf.get(value, text);
                authority = Optional.of(new String(text, StandardCharsets.US_ASCII));
            }
            p = value + len;
        }
        return ProxyHeaderRejection.NOT_REJECTED;
    }

    private static boolean printable(ByteBuffer buf, int from, int to) {
        for (int i = from; i < to; i++) {
            byte b = buf.get(i);
            if (b < 0x21 || b > 0x7E) {
                return false;
            }
        }
        return true;
    }

    /** The CRC32C of the whole header with the checksum's four bytes taken as zero, against the big-endian value. */
    private boolean crcMatches(ByteBuffer buf, int start, int end) {
        ByteBuffer view = buf.duplicate();
        crc.reset();
        view.limit(crcAt).position(start);
        crc.update(view);
        for (int i = 0; i < 4; i++) {
            crc.update(0);
        }
        view.limit(end).position(crcAt + 4);
        crc.update(view);
        return (int) crc.getValue() == (u16(buf, crcAt) << 16 | u16(buf, crcAt + 2));
    }

    private ProxyHeaderRejection addresses(ByteBuffer buf, int at, int size, int length) {
        byte[] src = new byte[size];
        byte[] dst = new byte[size];
        buf.get(at, src);
        buf.get(at + size, dst);
        int sport = u16(buf, at + 2 * size);
        int dport = u16(buf, at + 2 * size + 2);
        try {
            header = new ProxyHeader.Proxied(2, length,
                    new InetSocketAddress(InetAddress.getByAddress(src), sport),
                    new InetSocketAddress(InetAddress.getByAddress(dst), dport), authority);
        } catch (UnknownHostException e) {
            return ProxyHeaderRejection.BAD_ADDRESS; // not reachable: the sizes are 4 and 16
        }
        return ProxyHeaderRejection.NOT_REJECTED;
    }

    /** Big-endian whatever the buffer's byte order. */
    private static int u16(ByteBuffer buf, int at) {
        return (buf.get(at) & 0xFF) << 8 | buf.get(at + 1) & 0xFF;
    }

    int needed() {
        return needed;
    }

    ProxyHeader header() {
        return header;
    }
}
