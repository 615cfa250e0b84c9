package dev.rsp.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * However the bytes of a head arrive, the outcome is the same: every two-piece split, one byte per call, and a head
 * that starts at a non-zero position of a direct buffer all give what parsing everything at once gives.
 */
class SplitInvarianceTest {
    static final List<String> REQUESTS = List.of(
            "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
            "\r\n\r\nPOST /upload?x=1 HTTP/1.0\r\nHost: a:80\r\nContent-Length: 3\r\nConnection: keep-alive, X-A\r\n"
                    + "X-A: 1\r\n\r\nabc",
            "PUT http://example.com:8080/p HTTP/1.1\r\nHost: example.com:8080\r\nTransfer-Encoding: chunked\r\n"
                    + "Expect: 100-continue\r\nUpgrade: h2c\r\nConnection: upgrade\r\n\r\n",
            "OPTIONS * HTTP/1.1\r\nHost: a\r\nX-Latin: caf\u00e9\t \r\nX-Empty:\r\n\r\n",
            "\u0016\u0003\u0001\u0002\u0000\u0001",
            "\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\n",
            "GET /" + "a".repeat(80) + " HTTP/1.1\r\nHost: a\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\n" + "X: y\r\n".repeat(12) + "\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nX-Long: " + "v".repeat(300) + "\r\n\r\n",
            "GET / HTTP/2.0\r\nHost: a\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            "GET / HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n",
            "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nExpect: later\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\n");
    static final List<String> RESPONSES = List.of(
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
            "HTTP/1.1 204 \r\n\r\n",
            "HTTP/1.0 304\r\nConnection: close, X-Y\r\nX-Y: z\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
            "HTTP/1.1 101 Switching\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n",
            "HTTP/1.1 700 Nope\r\n\r\n",
            "<html>",
            "HTTP/1.1 200 " + "r".repeat(90) + "\r\n\r\n",
            "HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n");

    /** Small enough limits that some corpus entries cross them. */
    static final HeadLimits LIMITS = new HeadLimits(64, 256, 10);

    static String parseRequest(ByteBuffer buf, int[] cuts) {
        RequestHeadParser parser = new RequestHeadParser(LIMITS);
        ParseStatus status = Bytes.feed(buf, cuts, parser::parse);
        return Bytes.describe(status, parser.head(), parser.rejection(), buf);
    }

    static String parseResponse(ByteBuffer buf, int[] cuts) {
        ResponseHeadParser parser = new ResponseHeadParser(LIMITS);
        ParseStatus status = Bytes.feed(buf, cuts, parser::parse);
        return Bytes.describe(status, parser.head(), parser.rejection(), buf);
    }

    @Test
    void requestsSplitAnywhere() {
        for (String message : REQUESTS) {
            assertSplitInvariant(message, SplitInvarianceTest::parseRequest);
        }
    }

    @Test
    void responsesSplitAnywhere() {
        for (String message : RESPONSES) {
            assertSplitInvariant(message, SplitInvarianceTest::parseResponse);
        }
    }

    private static void assertSplitInvariant(String message, ParserRun run) {
        byte[] bytes = Bytes.latin1(message);
        String whole = run.parse(Bytes.at(0, bytes, false), new int[0]);
        assertEquals(whole, run.parse(Bytes.at(29, bytes, true), new int[0]), message + " at position 29");
        for (int cut = 0; cut <= bytes.length; cut++) {
            assertEquals(whole, run.parse(Bytes.at(0, bytes, false), new int[] {cut}), message + " cut at " + cut);
        }
        assertEquals(whole, run.parse(Bytes.at(0, bytes, false), Bytes.oneByOne(bytes.length)), message + " 1 by 1");
        assertEquals(whole, run.parse(Bytes.at(7, bytes, true), Bytes.oneByOne(bytes.length)), message + " direct");
    }

    @FunctionalInterface
    interface ParserRun {
        String parse(ByteBuffer buf, int[] cuts);
    }

    @Test
    void corpusCoversTheRules() {
        Function<String, String> outcome = m -> {
            RequestHeadParser parser = new RequestHeadParser(LIMITS);
            ParseStatus status = parser.parse(Bytes.of(m));
            return status == ParseStatus.REJECT ? parser.rejection().counter() : status.name();
        };
        assertEquals(List.of("DONE", "DONE", "DONE", "DONE", "reject.not_http", "reject.too_many_empty_lines",
                "reject.uri_too_long", "reject.too_many_headers", "reject.head_too_large",
                "reject.version_not_supported", "reject.duplicate_host", "reject.missing_host", "reject.cl_and_te",
                "reject.obs_fold", "reject.bare_lf", "reject.connect_unsupported",
                "reject.conflicting_content_length", "reject.expectation_failed", "NEED_MORE"),
                REQUESTS.stream().map(outcome).toList());
    }
}
