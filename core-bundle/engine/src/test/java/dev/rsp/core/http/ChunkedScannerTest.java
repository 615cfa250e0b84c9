package dev.rsp.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChunkedScannerTest {
    private final ChunkedScanner scanner = new ChunkedScanner();

    /**
     * Feeds the body in pieces ending at the cuts, each piece in a fresh buffer between foreign bytes, as the
     * engine would after recycling its buffers; describes the outcome: status, body length, data bytes, rejection.
     */
    static String run(ChunkedScanner scanner, byte[] body, int[] cuts) {
        int start = 0;
        long total = 0;
        ParseStatus status = ParseStatus.NEED_MORE;
        int[] ends = java.util.Arrays.copyOf(cuts, cuts.length + 1);
        ends[cuts.length] = body.length;
        for (int end : ends) {
            if (end < start) {
                continue;
            }
            ByteBuffer buf = ByteBuffer.allocate(end - start + 6);
            buf.put(Bytes.latin1("abc")).put(body, start, end - start).put(Bytes.latin1("xyz"));
            status = scanner.scan(buf, 3, 3 + end - start);
            if (status == ParseStatus.NEED_MORE && scanner.consumed() != end - start) {
                throw new AssertionError("NEED_MORE must consume everything");
            }
            total += scanner.consumed();
            if (status != ParseStatus.NEED_MORE) {
                break;
            }
            start = end;
        }
        String outcome = status + " bytes=" + total + " data=" + scanner.bodyBytes();
        return status == ParseStatus.REJECT ? outcome + " " + scanner.rejection() : outcome;
    }

    private String run(String body) {
        return run(scanner, Bytes.latin1(body), new int[0]);
    }

    @Test
    void simpleBodyEndsAfterTheTrailerSection() {
        String body = "5\r\nhello\r\n1A\r\n" + "x".repeat(26) + "\r\n0\r\n\r\n";
        assertEquals("DONE bytes=" + body.length() + " data=31", run(body + "GET / HTTP/1.1\r\n"));
    }

    @Test
    void nextMessageBytesAreNotConsumed() {
        byte[] body = Bytes.latin1("3\r\nabc\r\n0\r\n\r\nNEXT");
        ByteBuffer buf = ByteBuffer.wrap(body);
        assertEquals(ParseStatus.DONE, scanner.scan(buf, 0, body.length));
        assertEquals(body.length - 4, scanner.consumed());
        assertEquals(ParseStatus.DONE, scanner.scan(buf, 0, body.length), "stays done until reset");
        assertEquals(0, scanner.consumed());
        scanner.reset();
        assertEquals(0, scanner.bodyBytes());
        assertEquals(ParseStatus.NEED_MORE, scanner.scan(buf, 0, 5));
    }

    @Test
    void extensionsTrailersHexAndLeadingZeros() {
        String body = "00a;name=token ; q=\"quoted \\\" \tvalue\";flag\r\n0123456789\r\n"
                + "A ; x\r\n0123456789\r\n0000;last\r\nExpires: never\r\nX-Sum: caf\u00e9\r\n\r\n";
        assertEquals("DONE bytes=" + body.length() + " data=20", run(body));
    }

    @Test
    void hugeChunksAreSkippedNotScanned() {
        byte[] data = new byte[1 << 20];
        ByteBuffer buf = ByteBuffer.wrap(data);
        ByteBuffer line = ByteBuffer.wrap(Bytes.latin1("7fffffffffffffff\r\n"));
        assertEquals(ParseStatus.NEED_MORE, scanner.scan(line, 0, line.limit()));
        for (int i = 0; i < 4096; i++) {
            assertEquals(ParseStatus.NEED_MORE, scanner.scan(buf, 0, data.length));
            assertEquals(data.length, scanner.consumed());
        }
        assertEquals(4096L << 20, scanner.bodyBytes());
    }

    @Test
    void sizeLineAtTheLimitIsAccepted() {
        ChunkedScanner small = new ChunkedScanner(8, 64);
        assertEquals("DONE bytes=18 data=1", run(small, Bytes.latin1("1;abcdef\r\nx\r\n0\r\n\r\n"), new int[0]));
        small.reset();
        assertEquals("REJECT bytes=8 data=0 " + Defect.CHUNK_EXT_TOO_LONG.fromClient(),
                run(small, Bytes.latin1("1;abcdefg\r\n"), new int[0]));
    }

    @Test
    void trailerSectionAtTheLimitIsAccepted() {
        String trailers = "A: b\r\n\r\n";
        ChunkedScanner small = new ChunkedScanner(64, trailers.length());
        assertEquals("DONE bytes=11 data=0", run(small, Bytes.latin1("0\r\n" + trailers), new int[0]));
        small = new ChunkedScanner(64, trailers.length() - 1);
        assertEquals(ParseStatus.REJECT, small.scan(Bytes.of("0\r\n" + trailers), 0, 11));
        assertEquals("reject.trailers_too_large", small.rejection().counter());
        assertEquals(400, small.rejection().status());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusal(String name, String body, String counter) {
        assertEquals(ParseStatus.REJECT, scanner.scan(Bytes.of(body), 0, body.length()), name);
        assertEquals(400, scanner.rejection().status(), name);
        assertEquals(counter, scanner.rejection().counter(), name);
        assertEquals(502, scanner.backendRejection().status(), name);
        assertEquals(counter.replace("reject.", "backend."), scanner.backendRejection().counter(), name);
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("empty size", "\r\n", "reject.bad_chunk_size"),
                Arguments.of("non-hex size", "g\r\n", "reject.bad_chunk_size"),
                Arguments.of("negative size", "-1\r\n", "reject.bad_chunk_size"),
                Arguments.of("0x prefix", "0x10\r\n", "reject.bad_chunk_size"),
                Arguments.of("17 digits", "00000000000000001\r\n", "reject.bad_chunk_size"),
                Arguments.of("overflow", "8000000000000000\r\n", "reject.bad_chunk_size"),
                Arguments.of("space then cr", "5 \r\n", "reject.bad_chunk_size"),
                Arguments.of("space before size", " 5\r\n", "reject.bad_chunk_size"),
                Arguments.of("bare lf size line", "5\n", "reject.bare_lf"),
                Arguments.of("bare cr size line", "5\rx", "reject.bare_cr"),
                Arguments.of("empty extension", "5;\r\n", "reject.bad_chunk_ext"),
                Arguments.of("extension without name", "5;=x\r\n", "reject.bad_chunk_ext"),
                Arguments.of("extension empty value", "5;a=\r\n", "reject.bad_chunk_ext"),
                Arguments.of("ctl in extension", "5;a=\u0001\r\n", "reject.bad_chunk_ext"),
                Arguments.of("ctl in quoted", "5;a=\"\u0000\"\r\n", "reject.bad_chunk_ext"),
                Arguments.of("unterminated quote", "5;a=\"x\r\n", "reject.bad_chunk_ext"),
                Arguments.of("long extension", "5;" + "a".repeat(5000) + "\r\n", "reject.chunk_ext_too_long"),
                Arguments.of("data too long", "3\r\nabcd\r\n", "reject.bad_chunk"),
                Arguments.of("bare lf after data", "3\r\nabc\n0\r\n\r\n", "reject.bad_chunk"),
                Arguments.of("cr only after data", "3\r\nabc\rx", "reject.bad_chunk"),
                Arguments.of("bare lf in trailer", "0\r\nA: b\n", "reject.bare_lf"),
                Arguments.of("obs-fold trailer", "0\r\nA: b\r\n c\r\n\r\n", "reject.obs_fold"),
                Arguments.of("bad trailer name", "0\r\nA b: c\r\n\r\n", "reject.space_before_colon"),
                Arguments.of("bare cr at end", "0\r\n\rx", "reject.bare_cr"),
                Arguments.of("huge trailers", "0\r\nA: " + "b".repeat(20000), "reject.trailers_too_large"));
    }

    @Test
    void everySplitGivesTheSameOutcome() {
        String[] corpus = {
            "5\r\nhello\r\n0\r\n\r\n",
            "1;a=\"b;c\"\r\nx\r\n10\r\n0123456789abcdef\r\n0\r\nT: 1\r\nU: 2\r\n\r\nnext",
            "3\r\nabcd\r\n",
            "5;" + "e".repeat(60) + "\r\n",
            "0\r\nA: b\r\n c\r\n\r\n",
            "fffffffffffffffff\r\n",
            "0\r\n" + "T: v\r\n".repeat(30) + "\r\n",
        };
        for (String text : corpus) {
            byte[] body = Bytes.latin1(text);
            ChunkedScanner reference = new ChunkedScanner(64, 128);
            String whole = run(reference, body, new int[0]);
            for (int cut = 0; cut <= body.length; cut++) {
                ChunkedScanner split = new ChunkedScanner(64, 128);
                assertEquals(whole, run(split, body, new int[] {cut}), text + " cut at " + cut);
            }
            ChunkedScanner bytewise = new ChunkedScanner(64, 128);
            assertEquals(whole, run(bytewise, body, Bytes.oneByOne(body.length)), text + " byte by byte");
        }
    }
}
