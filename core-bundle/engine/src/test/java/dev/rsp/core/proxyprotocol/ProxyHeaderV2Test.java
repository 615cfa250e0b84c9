package dev.rsp.core.proxyprotocol;

import static dev.rsp.core.proxyprotocol.ProxyHeaderFeeding.both;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rsp.core.http.ParseStatus;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProxyHeaderV2Test {

    private static InetSocketAddress at(String literal, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(literal), port);
    }

    private static ProxyHeaderParser v2(byte[] bytes) {
        return both(ProxyHeaderMode.ANY, bytes);
    }

    @Test
    void tcp4WithFollowingBytesLeftAlone() throws Exception {
        byte[] h = new V2Bytes().inet("10.0.0.1", 40000, "10.0.0.2", 443).build();
        byte[] withHello = Arrays.copyOf(h, h.length + 5);
        withHello[h.length] = 0x16;
        ProxyHeaderParser p = v2(withHello);
        assertEquals(new ProxyHeader.Proxied(2, 28, at("10.0.0.1", 40000), at("10.0.0.2", 443), Optional.empty()),
                p.header());
    }

    @Test
    void tcp6WithAuthorityAndCrc() throws Exception {
        byte[] h = new V2Bytes().inet("2001:db8::5", 1, "2001:db8::6", 65535)
                .tlv(0x02, "example.test".getBytes(US_ASCII)).tlv(0x20, new byte[] {1, 0, 0, 0, 0}).crc32c(0)
                .build();
        ProxyHeaderParser p = v2(h);
        assertEquals(new ProxyHeader.Proxied(2, h.length, at("2001:db8::5", 1), at("2001:db8::6", 65535),
                Optional.of("example.test")), p.header());
    }

    @Test
    void aWrongCrcIsRefused() throws Exception {
        for (int flip : new int[] {1, 0x80000000, -1}) {
            byte[] h = new V2Bytes().inet("10.0.0.1", 1, "10.0.0.2", 2).crc32c(flip).build();
            assertEquals(ProxyHeaderRejection.CRC_MISMATCH, v2(h).rejection());
        }
        byte[] h = new V2Bytes().inet("10.0.0.1", 1, "10.0.0.2", 2).crc32c(0).build();
        h[17] ^= 1; // an address byte changed after the checksum was computed
        assertEquals(ProxyHeaderRejection.CRC_MISMATCH, v2(h).rejection());
    }

    @Test
    void localIgnoresAddressesAndUnspecIsLocal() throws Exception {
        byte[] local = new V2Bytes().inet("10.0.0.1", 1, "10.0.0.2", 2).versionCommand(0x20).crc32c(0).build();
        assertEquals(new ProxyHeader.Local(2, local.length, Optional.empty()), v2(local).header());
        byte[] localUnix = new V2Bytes().versionCommand(0x20).family(0x31).addresses(new byte[216]).build();
        assertEquals(new ProxyHeader.Local(2, 232, Optional.empty()), v2(localUnix).header());
        byte[] localOdd = new V2Bytes().versionCommand(0x20).family(0xF1).addresses(new byte[3]).build();
        assertEquals(new ProxyHeader.Local(2, 19, Optional.empty()), v2(localOdd).header());
        byte[] unspec = new V2Bytes().family(0x00).tlv(0x02, "a.test".getBytes(US_ASCII)).build();
        assertEquals(new ProxyHeader.Local(2, unspec.length, Optional.of("a.test")), v2(unspec).header());
    }

    @Test
    void unsupportedFamiliesAreRefused() {
        for (int family : new int[] {0x12, 0x22, 0x31, 0x32, 0x10, 0x20, 0x41, 0x01}) {
            byte[] h = new V2Bytes().family(family).addresses(new byte[216]).build();
            assertEquals(ProxyHeaderRejection.V2_UNSUPPORTED_FAMILY, v2(h).rejection(), Integer.toHexString(family));
        }
    }

    @Test
    void badVersionOrCommand() {
        for (int vc : new int[] {0x11, 0x31, 0x22, 0x2F, 0x01}) {
            byte[] h = new V2Bytes().versionCommand(vc).addresses(new byte[12]).build();
            assertEquals(ProxyHeaderRejection.V2_BAD_VERSION_OR_COMMAND, v2(h).rejection());
        }
    }

    @Test
    void addressBlockShorterThanTheFamilyNeeds() {
        assertEquals(ProxyHeaderRejection.V2_SHORT_ADDRESSES,
                v2(new V2Bytes().family(0x11).addresses(new byte[11]).build()).rejection());
        assertEquals(ProxyHeaderRejection.V2_SHORT_ADDRESSES,
                v2(new V2Bytes().family(0x21).addresses(new byte[12]).build()).rejection());
    }

    @Test
    void malformedTlvs() throws Exception {
        byte[][] bad = {
            new V2Bytes().inet("10.0.0.1", 1, "10.0.0.2", 2).addresses(concat(new byte[12], new byte[] {4, 0})).build(),
            new V2Bytes().addresses(concat(new byte[12], new byte[] {4, 0, 5, 1})).build(),
            new V2Bytes().addresses(new byte[12]).tlv(0x03, new byte[3]).build(),
            new V2Bytes().addresses(new byte[12]).tlv(0x03, new byte[4]).tlv(0x03, new byte[4]).build(),
            new V2Bytes().addresses(new byte[12]).tlv(0x02, new byte[0]).build(),
            new V2Bytes().addresses(new byte[12]).tlv(0x02, "a b".getBytes(US_ASCII)).build(),
            new V2Bytes().addresses(new byte[12]).tlv(0x02, "x".repeat(256).getBytes(US_ASCII)).build(),
            new V2Bytes().addresses(new byte[12]).tlv(0x02, new byte[] {'a'}).tlv(0x02, new byte[] {'b'}).build(),
        };
        for (byte[] h : bad) {
            assertEquals(ProxyHeaderRejection.V2_BAD_TLV, v2(h).rejection());
        }
        byte[] noop = new V2Bytes().addresses(new byte[12]).tlv(0x04, new byte[0]).tlv(0xEE, new byte[9]).build();
        assertEquals(ParseStatus.DONE, ProxyHeaderFeeding.whole(parser(ProxyHeaderMode.V2, 64), noop));
    }

    @Test
    void theCapIsCheckedAsSoonAsTheLengthArrives() {
        byte[] h = new V2Bytes().addresses(new byte[12]).tlv(0x04, new byte[100]).build();
        ProxyHeaderParser small = parser(ProxyHeaderMode.V2, 130);
        assertEquals(ParseStatus.REJECT, small.parse(ProxyHeaderFeeding.window(h, 16)));
        assertEquals(ProxyHeaderRejection.V2_TOO_LONG, small.rejection());
        ProxyHeaderParser exact = parser(ProxyHeaderMode.V2, 131);
        assertEquals(ParseStatus.NEED_MORE, exact.parse(ProxyHeaderFeeding.window(h, 16)));
        assertEquals(131, exact.needed());
        assertThrows(IllegalArgumentException.class, () -> parser(ProxyHeaderMode.V2, 51));
        assertThrows(IllegalArgumentException.class, () -> parser(ProxyHeaderMode.V2, 65552));
    }

    @Test
    void signatureAndMode() {
        byte[] h = new V2Bytes().addresses(new byte[12]).build();
        assertEquals(ProxyHeaderRejection.BAD_SIGNATURE, both(ProxyHeaderMode.V1, h).rejection());
        byte[] broken = h.clone();
        broken[11] = 0x0B;
        assertEquals(ProxyHeaderRejection.BAD_SIGNATURE, v2(broken).rejection());
        assertEquals(ProxyHeaderRejection.BAD_SIGNATURE, v2(new byte[] {0x16, 3, 1}).rejection());
        ProxyHeaderParser p = parser(ProxyHeaderMode.ANY, 4096);
        assertEquals(ParseStatus.NEED_MORE, p.parse(ProxyHeaderFeeding.window(h, 3)));
        assertEquals(16, p.needed());
    }

    @Test
    void theBufferByteOrderDoesNotMatter() throws Exception {
        byte[] h = new V2Bytes().inet("10.0.0.1", 258, "10.0.0.2", 443).crc32c(0).build();
        ByteBuffer buf = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
        ProxyHeaderParser p = parser(ProxyHeaderMode.V2, 4096);
        assertEquals(ParseStatus.DONE, p.parse(buf));
        assertEquals(at("10.0.0.1", 258), ((ProxyHeader.Proxied) p.header()).source());
    }

    private static ProxyHeaderParser parser(ProxyHeaderMode mode, int cap) {
        return new ProxyHeaderParser(mode, cap);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
