package dev.rsp.core.proxyprotocol;

import static dev.rsp.core.proxyprotocol.ProxyHeaderFeeding.both;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.rsp.core.http.ParseStatus;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProxyHeaderV1Test {

    private static ProxyHeaderParser v1(String line) {
        return both(ProxyHeaderMode.ANY, line.getBytes(US_ASCII));
    }

    private static InetSocketAddress at(String literal, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(literal), port);
    }

    @Test
    void specExampleTcp4() throws Exception {
        String line = "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n";
        ProxyHeaderParser p = v1(line + "GET / HTTP/1.1\r\n");
        assertEquals(new ProxyHeader.Proxied(1, line.length(), at("192.168.0.1", 56324), at("192.168.0.11", 443),
                Optional.empty()), p.header());
    }

    @Test
    void tcp6() throws Exception {
        String line = "PROXY TCP6 2001:db8::1 ::1 65535 0\r\n";
        ProxyHeader h = v1(line).header();
        assertEquals(new ProxyHeader.Proxied(1, line.length(), at("2001:db8::1", 65535), at("::1", 0),
                Optional.empty()), h);
    }

    @Test
    void theLongestLineFitsIn107Bytes() throws Exception {
        String line = "PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff "
                + "65535 65535\r\n";
        assertEquals(104, line.length());
        String longest = "PROXY UNKNOWN " + "x".repeat(107 - 16) + "\r\n";
        assertEquals(107, longest.length());
        assertEquals(ParseStatus.DONE, statusOf(line));
        assertEquals(new ProxyHeader.Local(1, 107, Optional.empty()), v1(longest).header());
    }

    @Test
    void unknownIgnoresTheRestOfTheLine() {
        assertEquals(new ProxyHeader.Local(1, 15, Optional.empty()), v1("PROXY UNKNOWN\r\nrest").header());
        String line = "PROXY UNKNOWN 1.2.3.4 whatever\r\n";
        assertEquals(new ProxyHeader.Local(1, line.length(), Optional.empty()), v1(line).header());
    }

    @Test
    void needMoreAsksForTheShortestLineFirst() {
        ProxyHeaderParser p = new ProxyHeaderParser(ProxyHeaderMode.V1, ProxyHeaderParser.DEFAULT_MAX_V2_LENGTH);
        assertEquals(ParseStatus.NEED_MORE, ProxyHeaderFeeding.whole(p, "PROXY T".getBytes(US_ASCII)));
        assertEquals(15, p.needed());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\\n|V1_MALFORMED",
        "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\\rX|V1_MALFORMED",
        "PROXY TCP4  1.2.3.4 5.6.7.8 1 2\\r\\n|V1_MALFORMED",
        "PROXY TCP4 1.2.3.4 5.6.7.8 1\\r\\n|V1_MALFORMED",
        "PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\\r\\n|V1_MALFORMED",
        "PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \\r\\n|V1_MALFORMED",
        "PROXY UDP4 1.2.3.4 5.6.7.8 1 2\\r\\n|V1_MALFORMED",
        "PROXY tcp4 1.2.3.4 5.6.7.8 1 2\\r\\n|V1_MALFORMED",
        "PROXY \\r\\n|V1_MALFORMED",
        "PROXY TCP4 1.2.3.4\\t5.6.7.8 1 2\\r\\n|V1_MALFORMED",
        "PROXY TCP4 1.2.3.256 5.6.7.8 1 2\\r\\n|BAD_ADDRESS",
        "PROXY TCP4 1.2.3.04 5.6.7.8 1 2\\r\\n|BAD_ADDRESS",
        "PROXY TCP4 1.2.3 5.6.7.8 1 2\\r\\n|BAD_ADDRESS",
        "PROXY TCP4 1.2.3.4.5 5.6.7.8 1 2\\r\\n|BAD_ADDRESS",
        "PROXY TCP4 localhost 5.6.7.8 1 2\\r\\n|BAD_ADDRESS",
        "PROXY TCP4 ::1 5.6.7.8 1 2\\r\\n|BAD_ADDRESS",
        "PROXY TCP6 1.2.3.4 ::1 1 2\\r\\n|BAD_ADDRESS",
        "PROXY TCP6 ::1 ::g 1 2\\r\\n|BAD_ADDRESS",
        "PROXY TCP6 ::1 fe80::1%eth0 1 2\\r\\n|BAD_ADDRESS",
        "PROXY TCP6 ::1 1:2:3:4:5:6:7:8:9 1 2\\r\\n|BAD_ADDRESS",
        "PROXY TCP6 ::1 .::1 1 2\\r\\n|BAD_ADDRESS",
        "PROXY TCP6 ::1 [::1] 1 2\\r\\n|BAD_ADDRESS",
        "PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\\r\\n|BAD_PORT",
        "PROXY TCP4 1.2.3.4 5.6.7.8 1 080\\r\\n|BAD_PORT",
        "PROXY TCP4 1.2.3.4 5.6.7.8 1 -1\\r\\n|BAD_PORT",
        "PROXY TCP4 1.2.3.4 5.6.7.8 1 100000\\r\\n|BAD_PORT",
        "PROXX TCP4|BAD_SIGNATURE",
        "proxy TCP4|BAD_SIGNATURE",
    })
    void rejects(String escaped, ProxyHeaderRejection why) {
        String line = escaped.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t");
        ProxyHeaderParser p = v1(line);
        assertEquals(why, p.rejection(), line);
        assertEquals(null, p.header());
    }

    @Test
    void nonAsciiIsRefusedOnArrival() {
        byte[] bytes = "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n".getBytes(US_ASCII);
        bytes[12] = (byte) 0xC3;
        ProxyHeaderParser p = new ProxyHeaderParser(ProxyHeaderMode.V1, ProxyHeaderParser.DEFAULT_MAX_V2_LENGTH);
        assertEquals(ParseStatus.REJECT, p.parse(ProxyHeaderFeeding.window(bytes, 13)));
        assertEquals(ProxyHeaderRejection.V1_MALFORMED, p.rejection());
    }

    @Test
    void aLineWithoutCrlfIn107BytesIsTooLong() {
        String line = "PROXY UNKNOWN " + "x".repeat(93);
        assertEquals(107, line.length());
        assertEquals(ProxyHeaderRejection.V1_TOO_LONG, v1(line + "\r\n").rejection());
        assertEquals(ProxyHeaderRejection.V1_TOO_LONG, v1(line.substring(0, 106) + "\r\n").rejection());
    }

    @Test
    void v2OnlyRefusesV1() {
        ProxyHeaderParser p = both(ProxyHeaderMode.V2, "PROXY UNKNOWN\r\n".getBytes(US_ASCII));
        assertEquals(ProxyHeaderRejection.BAD_SIGNATURE, p.rejection());
    }

    @Test
    void movingThePositionStartsOver() {
        ProxyHeaderParser p = new ProxyHeaderParser(ProxyHeaderMode.V1, ProxyHeaderParser.DEFAULT_MAX_V2_LENGTH);
        byte[] bytes = "PROXY UNKPROXY UNKNOWN\r\n".getBytes(US_ASCII);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes).limit(9);
        assertEquals(ParseStatus.NEED_MORE, p.parse(buf));
        buf.limit(bytes.length).position(9);
        assertEquals(ParseStatus.DONE, p.parse(buf));
        assertInstanceOf(ProxyHeader.Local.class, p.header());
        assertEquals(15, p.header().length());
    }

    private static ParseStatus statusOf(String line) {
        ProxyHeaderParser p = new ProxyHeaderParser(ProxyHeaderMode.V1, ProxyHeaderParser.DEFAULT_MAX_V2_LENGTH);
        return ProxyHeaderFeeding.whole(p, line.getBytes(US_ASCII));
    }
}
