package dev.rsp.core.proxyprotocol;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** Builds v2 headers for tests, following the spec independently of the parser. */
final class V2Bytes {
    static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private int versionCommand = 0x21;
    private int family = 0x11;
    private byte[] addresses = new byte[0];
    private final ByteArrayOutputStream tlvs = new ByteArrayOutputStream();
    private boolean crc;
    private int crcFlip;

    V2Bytes versionCommand(int v) {
        versionCommand = v;
        return this;
    }

    V2Bytes family(int f) {
        family = f;
        return this;
    }

    V2Bytes addresses(byte[] block) {
        addresses = block;
        return this;
    }

    V2Bytes inet(String src, int sport, String dst, int dport) throws Exception {
        byte[] s = InetAddress.getByName(src).getAddress();
        byte[] d = InetAddress.getByName(dst).getAddress();
        ByteBuffer b = ByteBuffer.allocate(2 * s.length + 4);
        b.put(s).put(d).putShort((short) sport).putShort((short) dport);
        family = s.length == 4 ? 0x11 : 0x21;
        addresses = b.array();
        return this;
    }

    V2Bytes tlv(int type, byte[] value) {
        tlvs.write(type);
        tlvs.write(value.length >> 8);
        tlvs.write(value.length);
        tlvs.writeBytes(value);
        return this;
    }

    /** Appends a CRC32C TLV filled in by {@link #build()}; {@code flip} xors the stored value (0: correct). */
    V2Bytes crc32c(int flip) {
        crc = true;
        crcFlip = flip;
        return this;
    }

    byte[] build() {
        byte[] extra = tlvs.toByteArray();
        int len = addresses.length + extra.length + (crc ? 7 : 0);
        ByteBuffer b = ByteBuffer.allocate(16 + len);
        b.put(SIGNATURE).put((byte) versionCommand).put((byte) family).putShort((short) len);
        b.put(addresses).put(extra);
        if (crc) {
            b.put((byte) 0x03).putShort((short) 4).putInt(0);
            CRC32C c = new CRC32C();
            c.update(b.array());
            b.putInt(b.position() - 4, (int) c.getValue() ^ crcFlip);
        }
        return b.array();
    }
}
