package dev.rsp.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ResponseHeadParserTest {
    private final ResponseHeadParser parser = new ResponseHeadParser(HeadLimits.DEFAULT);
    private ByteBuffer buf;

    private HttpHead done(String message) {
        buf = Bytes.of(message);
        assertEquals(ParseStatus.DONE, parser.parse(buf), () -> String.valueOf(parser.rejection()));
        return parser.head();
    }

    @Test
    void statusLineAndFields() {
        String message = "HTTP/1.1 200 OK fine\r\nContent-Length: 12\r\nServer:\tdemo \r\n\r\nhello world!";
        HttpHead head = done(message);
        assertEquals(200, head.status());
        assertEquals(1, head.versionMinor());
        assertEquals(12, head.contentLength());
        assertEquals(message.length() - 12, head.headEnd());
        assertEquals("HTTP/1.1 200 OK fine\r\n", Bytes.range(buf, head.headStart(), head.startLineEnd()));
        assertEquals("demo", head.value(buf, 1));
        assertEquals("Server:\tdemo \r\n", Bytes.range(buf, head.lineStart(1), head.lineEnd(1)));
        assertEquals("", head.method());
        assertEquals("", head.target());
        assertEquals("", head.host());
    }

    @Test
    void emptyReasonWithOrWithoutSpace() {
        assertEquals(204, done("HTTP/1.1 204 \r\n\r\n").status());
        parser.reset();
        HttpHead head = done("HTTP/1.0 304\r\nETag: \"x\"\r\n\r\n");
        assertEquals(304, head.status());
        assertEquals(0, head.versionMinor());
        assertEquals(1, head.headerCount());
    }

    @Test
    void reasonMayHoldObsText() {
        assertEquals(404, done("HTTP/1.1 404 Nicht gef\u00fcnden\r\n\r\n").status());
    }

    @Test
    void transferCodingsEndingInChunkedAreChunked() {
        HttpHead head = done("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: CHUNKED\r\n\r\n");
        assertTrue(head.chunked());
        assertEquals(-1, head.contentLength());
    }

    @Test
    void transferCodingsNotEndingInChunkedMeanBodyUntilClose() {
        HttpHead head = done("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip;level=9\r\n\r\n");
        assertFalse(head.chunked());
        assertEquals(-1, head.contentLength());
    }

    @Test
    void connectionFlagsAndHopByHop() {
        HttpHead head = done("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade, X-Hop\r\n"
                + "Upgrade: websocket\r\nX-Hop: 1\r\nKeep-Alive: 5\r\nTransfer-Encoding: chunked\r\n"
                + "Set-Cookie: a\r\n\r\n");
        assertTrue(head.connectionUpgrade());
        assertFalse(head.connectionClose());
        assertEquals("websocket", head.upgrade());
        boolean[] expected = {true, true, true, true, false, false};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], head.hopByHop(i), "field " + i);
        }
        parser.reset();
        assertTrue(done("HTTP/1.0 200 OK\r\nconnection: close\r\n\r\n").connectionClose());
    }

    @Test
    void hostAndExpectMeanNothingInAResponse() {
        HttpHead head = done("HTTP/1.1 200 OK\r\nHost: a\r\nHost: b\r\nExpect: whatever\r\n\r\n");
        assertEquals(3, head.headerCount());
        assertEquals("", head.host());
        assertFalse(head.expectContinue());
    }

    @Test
    void interimThenFinalResponseOnOneConnection() {
        String interim = "HTTP/1.1 100 Continue\r\n\r\n";
        buf = Bytes.of(interim + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        assertEquals(ParseStatus.DONE, parser.parse(buf));
        assertEquals(100, parser.head().status());
        assertEquals(interim.length(), parser.head().headEnd());
        buf.position(parser.head().headEnd());
        parser.reset();
        assertEquals(ParseStatus.DONE, parser.parse(buf));
        assertEquals(200, parser.head().status());
        assertEquals(0, parser.head().contentLength());
    }

    @Test
    void hasBody() {
        assertFalse(ResponseHeadParser.hasBody("HEAD", 200));
        assertFalse(ResponseHeadParser.hasBody("GET", 100));
        assertFalse(ResponseHeadParser.hasBody("GET", 101));
        assertFalse(ResponseHeadParser.hasBody("GET", 204));
        assertFalse(ResponseHeadParser.hasBody("GET", 304));
        assertFalse(ResponseHeadParser.hasBody("CONNECT", 200));
        assertTrue(ResponseHeadParser.hasBody("CONNECT", 407));
        assertTrue(ResponseHeadParser.hasBody("GET", 200));
        assertTrue(ResponseHeadParser.hasBody("POST", 205));
        assertTrue(ResponseHeadParser.hasBody("GET", 404));
    }

    @Test
    void statusLineLimit() {
        ResponseHeadParser small = new ResponseHeadParser(new HeadLimits(16, 1024, 10));
        assertEquals(ParseStatus.NEED_MORE, small.parse(Bytes.of("HTTP/1.1 200 abc")));
        small.reset();
        assertEquals(ParseStatus.DONE, small.parse(Bytes.of("HTTP/1.1 200 abc\r\n\r\n")));
        small.reset();
        assertEquals(ParseStatus.REJECT, small.parse(Bytes.of("HTTP/1.1 200 abcd")));
        assertEquals("backend.status_line_too_long", small.rejection().counter());
        assertEquals(502, small.rejection().status());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusal(String name, String message, String counter) {
        buf = Bytes.of(message);
        assertEquals(ParseStatus.REJECT, parser.parse(buf), name);
        assertEquals(502, parser.rejection().status(), name);
        assertEquals(counter, parser.rejection().counter(), name);
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("not http", "<html>", "backend.not_http"),
                Arguments.of("empty line first", "\r\nHTTP/1.1 200 OK\r\n", "backend.not_http"),
                Arguments.of("lower-case version", "http/1.1 200 OK\r\n", "backend.not_http"),
                Arguments.of("bad version", "HTTP/1.x 200 OK\r\n", "backend.bad_version"),
                Arguments.of("no space after version", "HTTP/1.1\t200 OK\r\n", "backend.bad_version"),
                Arguments.of("http/2", "HTTP/2.0 200 OK\r\n", "backend.version_not_supported"),
                Arguments.of("two-digit status", "HTTP/1.1 20 OK\r\n", "backend.bad_status_line"),
                Arguments.of("four-digit status", "HTTP/1.1 2000 OK\r\n", "backend.bad_status_line"),
                Arguments.of("status 99", "HTTP/1.1 099 X\r\n", "backend.bad_status"),
                Arguments.of("status 600", "HTTP/1.1 600 X\r\n", "backend.bad_status"),
                Arguments.of("ctl in reason", "HTTP/1.1 200 O\u0001K\r\n", "backend.bad_status_line"),
                Arguments.of("bare lf status line", "HTTP/1.1 200 OK\n", "backend.bare_lf"),
                Arguments.of("bare cr status line", "HTTP/1.1 200 OK\rX", "backend.bare_cr"),
                Arguments.of("bare lf field", "HTTP/1.1 200 OK\r\nA: b\n", "backend.bare_lf"),
                Arguments.of("obs-fold", "HTTP/1.1 200 OK\r\nA: b\r\n\tc\r\n", "backend.obs_fold"),
                Arguments.of("space before colon", "HTTP/1.1 200 OK\r\nA : b\r\n", "backend.space_before_colon"),
                Arguments.of("nul in value", "HTTP/1.1 200 OK\r\nA: \u0000\r\n", "backend.bad_field_value"),
                Arguments.of("bad cl", "HTTP/1.1 200 OK\r\nContent-Length: +5\r\n", "backend.bad_content_length"),
                Arguments.of("conflicting cl", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n",
                        "backend.conflicting_content_length"),
                Arguments.of("cl and te", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
                        "backend.cl_and_te"),
                Arguments.of("cl and te not chunked",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 5\r\n\r\n", "backend.cl_and_te"),
                Arguments.of("chunked twice", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n",
                        "backend.chunked_twice"),
                Arguments.of("bad coding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gz ip\r\n",
                        "backend.bad_transfer_encoding"),
                Arguments.of("bad connection", "HTTP/1.1 200 OK\r\nConnection: a/b\r\n", "backend.bad_connection"));
    }

    @Test
    void headAndCountLimits() {
        ResponseHeadParser small = new ResponseHeadParser(new HeadLimits(100, 40, 1));
        assertEquals(ParseStatus.REJECT, small.parse(Bytes.of("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n")));
        assertEquals("backend.too_many_headers", small.rejection().counter());
        small.reset();
        assertEquals(ParseStatus.REJECT, small.parse(Bytes.of("HTTP/1.1 200 OK\r\nA: " + "x".repeat(30))));
        assertEquals("backend.head_too_large", small.rejection().counter());
    }
}
