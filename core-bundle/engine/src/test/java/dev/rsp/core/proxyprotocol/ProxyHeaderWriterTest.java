package dev.rsp.core.proxyprotocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rsp.core.http.ParseStatus;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The headers rsp sends to {@code ;send-proxy} backends: exact bytes, and what the receiving parser makes of them. */
class ProxyHeaderWriterTest {

    private static InetSocketAddress at(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    @Test
    void v1LineForIpv4IsTheSpecsExample() throws Exception {
        byte[] line = ProxyHeaderWriter.proxied(1, at("192.168.0.1", 56324), at("192.168.0.11", 443));
        assertEquals("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n", new String(line, StandardCharsets.US_ASCII));
    }

    @Test
    void v2BlockForIpv4HasSignatureCommandFamilyLengthAddressesPorts() throws Exception {
        byte[] block = ProxyHeaderWriter.proxied(2, at("10.0.0.1", 1024), at("10.0.0.2", 80));
        assertEquals("0d0a0d0a000d0a515549540a" + "21" + "11" + "000c" + "0a000001" + "0a000002" + "0400" + "0050",
                HexFormat.of().formatHex(block));
    }

    @Test
    void localHeadersNameNoClient() {
        assertEquals("PROXY UNKNOWN\r\n", new String(ProxyHeaderWriter.local(1), StandardCharsets.US_ASCII));
        assertEquals("0d0a0d0a000d0a515549540a" + "20" + "00" + "0000", HexFormat.of().formatHex(ProxyHeaderWriter.local(2)));
    }

    @ParameterizedTest(name = "v{0} {1}:{2} -> {3}:{4}")
    @CsvSource({
            "1, 127.0.0.1, 40000, 127.0.0.1, 8080",
            "2, 127.0.0.1, 40000, 127.0.0.1, 8080",
            "1, 2001:db8::7, 65535, 2001:db8::1, 443",
            "2, 2001:db8::7, 65535, 2001:db8::1, 443",
            "1, ::1, 1, fe80::1%1, 2",
            "2, 203.0.113.9, 5000, ::1, 8443",
            "1, 203.0.113.9, 5000, ::1, 8443",
    })
    void theParserReadsBackWhatWasWritten(int version, String src, int srcPort, String dst, int dstPort) throws Exception {
        InetSocketAddress source = at(src, srcPort);
        InetSocketAddress destination = at(dst, dstPort);
        byte[] bytes = ProxyHeaderWriter.proxied(version, source, destination);
        ProxyHeaderParser parser = ProxyHeaderFeeding.both(ProxyHeaderMode.ANY, bytes);
        ProxyHeader.Proxied read = assertInstanceOf(ProxyHeader.Proxied.class, parser.header());
        assertEquals(version, read.version());
        assertEquals(bytes.length, read.length());
        assertEquals(srcPort, read.source().getPort());
        assertEquals(dstPort, read.destination().getPort());
        // the same host, though an IPv4 end beside an IPv6 one is written IPv4-mapped and a scope is dropped
        assertArrayEquals(v6(source.getAddress()), v6(read.source().getAddress()));
        assertArrayEquals(v6(destination.getAddress()), v6(read.destination().getAddress()));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void localReadsBackAsLocal(int version) {
        ProxyHeaderParser parser = ProxyHeaderFeeding.both(ProxyHeaderMode.ANY, ProxyHeaderWriter.local(version));
        assertEquals(ParseStatus.DONE, ProxyHeaderFeeding.whole(
                new ProxyHeaderParser(ProxyHeaderMode.ANY, ProxyHeaderParser.DEFAULT_MAX_V2_LENGTH),
                ProxyHeaderWriter.local(version)));
        assertInstanceOf(ProxyHeader.Local.class, parser.header());
    }

    @Test
    void theLongestHeaderFitsTheDeclaredMaximum() throws Exception {
        InetSocketAddress wide = at("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", 65535);
        assertEquals(104, ProxyHeaderWriter.proxied(1, wide, wide).length);
        assertEquals(52, ProxyHeaderWriter.proxied(2, wide, wide).length);
    }

    @Test
    void unresolvedAddressesAndUnknownVersionsAreRefused() throws Exception {
        InetSocketAddress ok = at("127.0.0.1", 1);
        assertThrows(IllegalArgumentException.class,
                () -> ProxyHeaderWriter.proxied(1, InetSocketAddress.createUnresolved("x", 1), ok));
        assertThrows(IllegalArgumentException.class, () -> ProxyHeaderWriter.proxied(3, ok, ok));
        assertThrows(IllegalArgumentException.class, () -> ProxyHeaderWriter.local(0));
    }

    /** The 16-byte IPv6 form, IPv4 as IPv4-mapped. */
    private static byte[] v6(InetAddress a) {
        byte[] raw = a.getAddress();
        if (raw.length == 16) {
            return raw;
        }
        byte[] v6 = new byte[16];
        v6[10] = (byte) 0xFF;
        v6[11] = (byte) 0xFF;
        System.arraycopy(raw, 0, v6, 12, 4);
        return v6;
    }
}
