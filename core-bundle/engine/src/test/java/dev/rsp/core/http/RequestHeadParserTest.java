package dev.rsp.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RequestHeadParserTest {
    private static final String HOST = "Host: example.com\r\n";

    private final RequestHeadParser parser = new RequestHeadParser(HeadLimits.DEFAULT);
    private ByteBuffer buf;

    private ParseStatus parse(String message) {
        buf = Bytes.of(message);
        return parser.parse(buf);
    }

    private HttpHead done(String message) {
        assertEquals(ParseStatus.DONE, parse(message), () -> String.valueOf(parser.rejection()));
        return parser.head();
    }

    private String field(int i) {
        HttpHead head = parser.head();
        return Bytes.range(buf, head.nameStart(i), head.nameEnd(i)) + "=" + Bytes.range(buf, head.valueStart(i),
                head.valueEnd(i));
    }

    @Test
    void simpleGetWithOffsets() {
        String message = "GET /a/b?c=d HTTP/1.1\r\nHost: example.com\r\nAccept:  */*  \r\nX-Empty:\r\n\r\n";
        HttpHead head = done(message);
        assertSame("GET", head.method());
        assertEquals("/a/b?c=d", head.target());
        assertEquals("/a/b?c=d", Bytes.range(buf, head.targetStart(), head.targetEnd()));
        assertFalse(head.absoluteForm());
        assertEquals("", head.authority());
        assertEquals(1, head.versionMinor());
        assertEquals(0, head.headStart());
        assertEquals(message.length(), head.headEnd());
        assertEquals(message.length(), head.headLength());
        assertEquals("GET /a/b?c=d HTTP/1.1\r\n", Bytes.range(buf, head.headStart(), head.startLineEnd()));
        assertEquals(3, head.headerCount());
        assertEquals("Host=example.com", field(0));
        assertEquals("Accept=*/*", field(1));
        assertEquals("X-Empty=", field(2));
        assertEquals("Accept:  */*  \r\n", Bytes.range(buf, head.lineStart(1), head.lineEnd(1)));
        assertEquals("", head.value(buf, 2));
        assertTrue(head.nameIs(buf, 1, "accept"));
        assertFalse(head.nameIs(buf, 1, "accep"));
        assertEquals("example.com", head.host());
        assertEquals(-1, head.contentLength());
        assertFalse(head.chunked() || head.connectionClose() || head.connectionKeepAlive() || head.expectContinue());
        assertEquals("", head.upgrade());
        assertEquals(0, head.status());
    }

    @Test
    void knownMethodsAreSharedConstantsOthersAreKept() {
        for (String method : new String[] {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE"}) {
            parser.reset();
            assertSame(method, done(method + " / HTTP/1.1\r\n" + HOST + "\r\n").method());
        }
        parser.reset();
        assertEquals("PROPFIND", done("PROPFIND / HTTP/1.1\r\n" + HOST + "\r\n").method());
        parser.reset();
        assertEquals("get", done("get / HTTP/1.1\r\n" + HOST + "\r\n").method());
    }

    @Test
    void absoluteFormGivesAuthorityAndOriginFormTarget() {
        HttpHead head = done("GET HTTP://Example.com:8080/p?q HTTP/1.1\r\nHost: example.com:8080\r\n\r\n");
        assertTrue(head.absoluteForm());
        assertEquals("Example.com:8080", head.authority());
        assertEquals("/p?q", head.target());
        assertEquals("HTTP://Example.com:8080/p?q", Bytes.range(buf, head.targetStart(), head.targetEnd()));
        parser.reset();
        assertEquals("/", done("GET https://h HTTP/1.1\r\n" + HOST + "\r\n").target());
        assertEquals("h", parser.head().authority());
        parser.reset();
        assertEquals("/?x=1", done("GET http://h?x=1 HTTP/1.1\r\n" + HOST + "\r\n").target());
    }

    @Test
    void asteriskFormOnlyWithOptions() {
        assertEquals("*", done("OPTIONS * HTTP/1.1\r\n" + HOST + "\r\n").target());
        parser.reset();
        assertEquals(ParseStatus.REJECT, parse("GET * HTTP/1.1\r\n" + HOST + "\r\n"));
        assertEquals("reject.bad_target", parser.rejection().counter());
    }

    @Test
    void upToFourEmptyLinesAreSkipped() {
        HttpHead head = done("\r\n\r\n\r\n\r\nGET / HTTP/1.0\r\n" + HOST + "\r\n");
        assertEquals(8, head.headStart());
        assertEquals(0, head.versionMinor());
        assertSame("GET", head.method());
    }

    @Test
    void framingFacts() {
        HttpHead head = done("POST /u HTTP/1.1\r\n" + HOST + "Content-Length: 42\r\nContent-Length: 42, 42\r\n\r\n");
        assertEquals(42, head.contentLength());
        assertFalse(head.chunked());
        parser.reset();
        head = done("POST /u HTTP/1.1\r\n" + HOST + "Transfer-Encoding: Chunked\r\n\r\n");
        assertTrue(head.chunked());
        assertEquals(-1, head.contentLength());
        assertFalse(head.hopByHop(1), "Transfer-Encoding is forwarded");
        parser.reset();
        head = done("POST /u HTTP/1.1\r\n" + HOST + "Transfer-Encoding: ,\r\nTransfer-Encoding: chunked\r\n\r\n");
        assertTrue(head.chunked());
        parser.reset();
        assertEquals(123456789012345678L,
                done("PUT / HTTP/1.1\r\n" + HOST + "Content-Length: 123456789012345678\r\n\r\n").contentLength());
        parser.reset();
        assertEquals(0, done("PUT / HTTP/1.1\r\n" + HOST + "Content-Length: 0\r\n\r\n").contentLength());
    }

    @Test
    void connectionOptionsAndHopByHop() {
        String message = "GET / HTTP/1.1\r\n" + HOST
                + "Connection: Keep-Alive, Upgrade, X-Private,, close\r\n"
                + "Keep-Alive: timeout=5\r\nProxy-Connection: x\r\nTE: trailers\r\nTrailer: X\r\n"
                + "Upgrade: websocket\r\nupgrade: h2c\r\nProxy-Authorization: Basic x\r\nx-private: 1\r\n"
                + "Content-Length: 0\r\nX-Kept: y\r\n\r\n";
        HttpHead head = done(message);
        assertTrue(head.connectionClose());
        assertTrue(head.connectionKeepAlive());
        assertTrue(head.connectionUpgrade());
        assertEquals("websocket, h2c", head.upgrade());
        boolean[] expected = {false, true, true, true, true, true, true, true, false, true, false, false};
        assertEquals(expected.length, head.headerCount());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], head.hopByHop(i), field(i));
        }
    }

    @Test
    void connectionOptionsNeverDropFramingOrRoutingFields() {
        HttpHead head = done("POST / HTTP/1.1\r\n" + HOST
                + "Connection: host, content-length, transfer-encoding, x-a\r\nContent-Length: 3\r\nX-A: 1\r\n\r\n");
        assertFalse(head.hopByHop(0));
        assertTrue(head.hopByHop(1));
        assertFalse(head.hopByHop(2));
        assertTrue(head.hopByHop(3));
    }

    @Test
    void expectContinue() {
        assertTrue(done("PUT / HTTP/1.1\r\n" + HOST + "Expect: 100-Continue\r\nContent-Length: 1\r\n\r\n")
                .expectContinue());
        parser.reset();
        assertFalse(done("PUT / HTTP/1.0\r\n" + HOST + "Expect: 100-continue\r\nContent-Length: 1\r\n\r\n")
                .expectContinue(), "ignored in HTTP/1.0");
    }

    @Test
    void obsTextAllowedInValuesAndHtab() {
        HttpHead head = done("GET / HTTP/1.1\r\n" + HOST + "X-Latin: caf\u00e9\tbar\t\r\n\r\n");
        assertEquals("caf\u00e9\tbar", head.value(buf, 1));
    }

    @Test
    void hostIsTrimmedAndAbsentStringsAreEmpty() {
        HttpHead head = done("GET / HTTP/1.1\r\nhOST: \t[::1]:80 \r\n\r\n");
        assertEquals("[::1]:80", head.host());
        assertEquals("", head.authority());
    }

    @Test
    void pipelinedRequestsStartAtHeadEnd() {
        String first = "GET /1 HTTP/1.1\r\n" + HOST + "\r\n";
        String second = "GET /2 HTTP/1.1\r\n" + HOST + "\r\n";
        buf = Bytes.of(first + second + "GET /3");
        assertEquals(ParseStatus.DONE, parser.parse(buf));
        assertEquals(first.length(), parser.head().headEnd());
        buf.position(parser.head().headEnd());
        parser.reset();
        assertEquals(ParseStatus.DONE, parser.parse(buf));
        assertEquals("/2", parser.head().target());
        assertEquals(first.length(), parser.head().headStart());
        assertEquals(first.length() + second.length(), parser.head().headEnd());
        buf.position(parser.head().headEnd());
        parser.reset();
        assertEquals(ParseStatus.NEED_MORE, parser.parse(buf));
    }

    @Test
    void directBufferAtNonZeroPosition() {
        String message = "DELETE /x HTTP/1.1\r\n" + HOST + "\r\n";
        buf = Bytes.at(37, Bytes.latin1(message), true);
        assertEquals(ParseStatus.DONE, parser.parse(buf));
        HttpHead head = parser.head();
        assertEquals(37, head.headStart());
        assertEquals(37 + message.length(), head.headEnd());
        assertEquals("/x", Bytes.range(buf, head.targetStart(), head.targetEnd()));
        assertEquals("example.com", head.value(buf, 0));
        assertEquals(37, buf.position());
        assertEquals(37 + message.length(), buf.limit());
    }

    @Test
    void movingThePositionStartsOver() {
        buf = Bytes.of("GARBAGE\r\nGET / HTTP/1.1\r\n" + HOST + "\r\n");
        buf.limit(3);
        assertEquals(ParseStatus.NEED_MORE, parser.parse(buf));
        buf.limit(buf.capacity());
        buf.position(9);
        assertEquals(ParseStatus.DONE, parser.parse(buf));
        assertEquals(9, parser.head().headStart());
    }

    @Test
    void statusIsStableAfterTheEnd() {
        assertEquals(ParseStatus.DONE, parse("GET / HTTP/1.1\r\n" + HOST + "\r\n"));
        assertEquals(ParseStatus.DONE, parser.parse(buf));
    }

    @Test
    void rejectionIsNeverNull() {
        assertNotNull(parser.rejection());
        parse("\u0016\u0003\u0001\u0000");
        assertEquals(400, parser.rejection().status());
        assertEquals("not an HTTP request", parser.rejection().reason());
        assertEquals("reject.not_http", parser.rejection().counter());
        assertEquals(ParseStatus.REJECT, parser.parse(buf));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusal(String name, String message, int status, String counter) {
        assertEquals(ParseStatus.REJECT, parse(message), name);
        assertEquals(status, parser.rejection().status(), name);
        assertEquals(counter, parser.rejection().counter(), name);
    }

    static Stream<Arguments> refusals() {
        String h = HOST;
        return Stream.of(
                refused("tls hello", "\u0016\u0003\u0001\u0002\u0000", 400, "reject.not_http"),
                refused("binary", "\u0000\u0001", 400, "reject.not_http"),
                refused("space first", " GET / HTTP/1.1\r\n", 400, "reject.not_http"),
                refused("bare lf first", "\nGET / HTTP/1.1\r\n", 400, "reject.bare_lf"),
                refused("five empty lines", "\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\n", 400,
                        "reject.too_many_empty_lines"),
                refused("bad method byte", "GE(T / HTTP/1.1\r\n", 400, "reject.bad_method"),
                refused("method only", "GET\r\n", 400, "reject.bad_request_line"),
                refused("double space", "GET  / HTTP/1.1\r\n", 400, "reject.bad_request_line"),
                refused("http/0.9", "GET /\r\n", 400, "reject.missing_version"),
                refused("ctl in target", "GET /a\u0001 HTTP/1.1\r\n", 400, "reject.bad_target"),
                refused("del in target", "GET /a\u007f HTTP/1.1\r\n", 400, "reject.bad_target"),
                refused("non-ascii target", "GET /caf\u00e9 HTTP/1.1\r\n", 400, "reject.bad_target"),
                refused("relative target", "GET a/b HTTP/1.1\r\n", 400, "reject.bad_target"),
                refused("other scheme", "GET ftp://h/ HTTP/1.1\r\n", 400, "reject.bad_target"),
                refused("empty authority", "GET http:///p HTTP/1.1\r\n", 400, "reject.bad_target"),
                refused("userinfo", "GET http://u@h/p HTTP/1.1\r\n", 400, "reject.bad_target"),
                refused("connect", "CONNECT h:443 HTTP/1.1\r\n", 501, "reject.connect_unsupported"),
                refused("authority-form", "GET h:443 HTTP/1.1\r\n", 501, "reject.connect_unsupported"),
                refused("lower-case version", "GET / http/1.1\r\n", 400, "reject.bad_version"),
                refused("garbage version", "GET / HTTP/1.x\r\n", 400, "reject.bad_version"),
                refused("short version", "GET / HTTP/1\r\n", 400, "reject.bad_version"),
                refused("space after version", "GET / HTTP/1.1 \r\n", 400, "reject.bad_version"),
                refused("http/2.0", "GET / HTTP/2.0\r\n", 505, "reject.version_not_supported"),
                refused("http/1.2", "GET / HTTP/1.2\r\n", 505, "reject.version_not_supported"),
                refused("bare lf request line", "GET / HTTP/1.1\n", 400, "reject.bare_lf"),
                refused("bare cr request line", "GET / HTTP/1.1\rX", 400, "reject.bare_cr"),
                refused("bare lf field", "GET / HTTP/1.1\r\nA: b\n", 400, "reject.bare_lf"),
                refused("bare cr field", "GET / HTTP/1.1\r\nA: b\rc\r\n", 400, "reject.bare_cr"),
                refused("bare lf end", "GET / HTTP/1.1\r\n" + h + "\n", 400, "reject.bare_lf"),
                refused("bare cr end", "GET / HTTP/1.1\r\n" + h + "\r\r", 400, "reject.bare_cr"),
                refused("nul in value", "GET / HTTP/1.1\r\nA: b\u0000\r\n", 400, "reject.bad_field_value"),
                refused("ctl in value", "GET / HTTP/1.1\r\nA: \u001b\r\n", 400, "reject.bad_field_value"),
                refused("del in value", "GET / HTTP/1.1\r\nA: \u007f\r\n", 400, "reject.bad_field_value"),
                refused("space before colon", "GET / HTTP/1.1\r\nHost : h\r\n", 400, "reject.space_before_colon"),
                refused("tab before colon", "GET / HTTP/1.1\r\nHost\t: h\r\n", 400, "reject.space_before_colon"),
                refused("empty name", "GET / HTTP/1.1\r\n: h\r\n", 400, "reject.empty_field_name"),
                refused("bad name byte", "GET / HTTP/1.1\r\nHo(st: h\r\n", 400, "reject.bad_field_name"),
                refused("no colon", "GET / HTTP/1.1\r\nHost\r\n", 400, "reject.missing_colon"),
                refused("obs-fold", "GET / HTTP/1.1\r\n" + h + "X: a\r\n b\r\n", 400, "reject.obs_fold"),
                refused("missing host", "GET / HTTP/1.1\r\n\r\n", 400, "reject.missing_host"),
                refused("missing host 1.0", "GET / HTTP/1.0\r\n\r\n", 400, "reject.missing_host"),
                refused("missing host absolute", "GET http://h/ HTTP/1.1\r\n\r\n", 400, "reject.missing_host"),
                refused("duplicate host", "GET / HTTP/1.1\r\n" + h + "host: b\r\n", 400, "reject.duplicate_host"),
                refused("empty host", "GET / HTTP/1.1\r\nHost: \r\n", 400, "reject.empty_host"),
                refused("host with space", "GET / HTTP/1.1\r\nHost: a b\r\n", 400, "reject.bad_host"),
                refused("host with userinfo", "GET / HTTP/1.1\r\nHost: u@h\r\n", 400, "reject.bad_host"),
                refused("cl not digits", "POST / HTTP/1.1\r\nContent-Length: 1a\r\n", 400,
                        "reject.bad_content_length"),
                refused("cl negative", "POST / HTTP/1.1\r\nContent-Length: -1\r\n", 400,
                        "reject.bad_content_length"),
                refused("cl empty", "POST / HTTP/1.1\r\nContent-Length:\r\n", 400, "reject.bad_content_length"),
                refused("cl empty element", "POST / HTTP/1.1\r\nContent-Length: 1,,1\r\n", 400,
                        "reject.bad_content_length"),
                refused("cl 19 digits", "POST / HTTP/1.1\r\nContent-Length: 1234567890123456789\r\n", 400,
                        "reject.bad_content_length"),
                refused("cl list differs", "POST / HTTP/1.1\r\nContent-Length: 1, 2\r\n", 400,
                        "reject.conflicting_content_length"),
                refused("cl fields differ", "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 01\r\n", 400,
                        "reject.conflicting_content_length"),
                refused("te in 1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n", 400,
                        "reject.te_in_http10"),
                refused("te gzip", "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n", 501,
                        "reject.unsupported_transfer_encoding"),
                refused("te chunked not last", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n", 501,
                        "reject.unsupported_transfer_encoding"),
                refused("te identity", "POST / HTTP/1.1\r\nTransfer-Encoding: identity\r\n", 501,
                        "reject.unsupported_transfer_encoding"),
                refused("te with parameter", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked;q=1\r\n", 501,
                        "reject.unsupported_transfer_encoding"),
                refused("te chunked twice", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n", 400,
                        "reject.chunked_twice"),
                refused("te chunked twice in fields",
                        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", 400,
                        "reject.chunked_twice"),
                refused("te empty", "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding:\r\n\r\n", 400,
                        "reject.bad_transfer_encoding"),
                refused("te not a token", "POST / HTTP/1.1\r\nTransfer-Encoding: \"chunked\"\r\n", 400,
                        "reject.bad_transfer_encoding"),
                refused("cl and te", "POST / HTTP/1.1\r\n" + h
                        + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "reject.cl_and_te"),
                refused("te and cl", "POST / HTTP/1.1\r\n" + h
                        + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", 400, "reject.cl_and_te"),
                refused("bad connection option", "GET / HTTP/1.1\r\nConnection: a b\r\n", 400,
                        "reject.bad_connection"),
                refused("expect other", "PUT / HTTP/1.1\r\nExpect: 200-ok\r\n", 417, "reject.expectation_failed"),
                refused("expect list", "PUT / HTTP/1.1\r\nExpect: 100-continue, x\r\n", 417,
                        "reject.expectation_failed"));
    }

    private static Arguments refused(String name, String message, int status, String counter) {
        return Arguments.of(name, message, status, counter);
    }

    @Test
    void requestLineLimitIsDetectedWithoutWaitingForCrlf() {
        RequestHeadParser small = new RequestHeadParser(new HeadLimits(16, 1024, 10));
        buf = Bytes.of("GET /0123456789A");
        assertEquals(ParseStatus.NEED_MORE, small.parse(buf), "16 bytes: a CR may still come");
        buf = Bytes.of("GET /0123456789AB");
        assertEquals(ParseStatus.REJECT, small.parse(buf));
        assertEquals(414, small.rejection().status());
        assertEquals("reject.uri_too_long", small.rejection().counter());
        small.reset();
        assertEquals(ParseStatus.REJECT, small.parse(Bytes.of("GET /01234 HTTP/1.1\r\n")));
        small.reset();
        assertEquals(ParseStatus.DONE, small.parse(Bytes.of("GET /a HTTP/1.1\r\n" + HOST + "\r\n")),
                "exactly 16 bytes is allowed");
    }

    @Test
    void headLimitIsDetectedWithoutWaitingForTheEnd() {
        String start = "GET / HTTP/1.1\r\n" + HOST;
        RequestHeadParser small = new RequestHeadParser(new HeadLimits(100, start.length() + 2, 10));
        assertEquals(ParseStatus.DONE, small.parse(Bytes.of(start + "\r\n")), "exactly the limit is allowed");
        small.reset();
        assertEquals(ParseStatus.NEED_MORE, small.parse(Bytes.of(start + "X:")));
        small.reset();
        assertEquals(ParseStatus.REJECT, small.parse(Bytes.of(start + "X: ")));
        assertEquals(431, small.rejection().status());
        assertEquals("reject.head_too_large", small.rejection().counter());
    }

    @Test
    void headerCountLimitIsDetectedWithoutWaitingForTheEnd() {
        RequestHeadParser small = new RequestHeadParser(new HeadLimits(100, 1024, 2));
        assertEquals(ParseStatus.DONE, small.parse(Bytes.of("GET / HTTP/1.1\r\n" + HOST + "A: 1\r\n\r\n")));
        small.reset();
        assertEquals(ParseStatus.REJECT, small.parse(Bytes.of("GET / HTTP/1.1\r\n" + HOST + "A: 1\r\nB: 2\r\n")));
        assertEquals(431, small.rejection().status());
        assertEquals("reject.too_many_headers", small.rejection().counter());
    }

    @Test
    void manyHeadersGrowTheTable() {
        StringBuilder message = new StringBuilder("GET / HTTP/1.1\r\n" + HOST);
        for (int i = 0; i < 99; i++) {
            message.append("X-").append(i).append(": ").append(i).append("\r\n");
        }
        HttpHead head = done(message.append("\r\n").toString());
        assertEquals(100, head.headerCount());
        assertEquals("98", head.value(buf, 99));
    }
}
