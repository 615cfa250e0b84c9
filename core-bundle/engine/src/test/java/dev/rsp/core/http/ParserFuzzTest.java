package dev.rsp.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Fixed-seed fuzzing: mutated requests, responses and chunked bodies, fed in random pieces, never throw, always end
 * in a status, give the same outcome as when fed at once, and a DONE head has ordered offsets inside the buffer.
 * Pipelined streams with bodies are cut exactly at each head's end. Bounded to a few seconds in all.
 */
class ParserFuzzTest {
    private static final int ROUNDS = 15_000;
    private static final byte[] INTERESTING = {
        '\r', '\n', ' ', '\t', ':', ',', ';', '=', '"', '\\', '/', '*', '0', '9', 'f', 'a', 0, 1, 0x7f,
        (byte) 0x80, (byte) 0xff, 0x16, 0x03
    };
    private static final List<String> CHUNKED = List.of(
            "5\r\nhello\r\n0\r\n\r\n",
            "a;ext=1;q=\"x y\"\r\n0123456789\r\n3\r\nabc\r\n0\r\nTrailer-A: 1\r\nB: 2\r\n\r\n",
            "1\r\n\r\r\n10 ; a = b\r\n0123456789abcdef\r\n000\r\n\r\n");

    static byte[] mutate(Random random, byte[] original) {
        byte[] bytes = original;
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            int length = bytes.length;
            int at = length == 0 ? 0 : random.nextInt(length);
            switch (random.nextInt(6)) {
                case 0:
                    if (length > 0) {
                        bytes = bytes.clone();
                        bytes[at] ^= (byte) (1 << random.nextInt(8));
                    }
                    break;
                case 1:
                    bytes = splice(bytes, at, at, new byte[] {pick(random)});
                    break;
                case 2:
                    if (length > 0) {
                        bytes = splice(bytes, at, at + 1, new byte[0]);
                    }
                    break;
                case 3:
                    if (length > 0) {
                        bytes = bytes.clone();
                        bytes[at] = pick(random);
                    }
                    break;
                default:
                    bytes = lineEdit(random, bytes);
            }
        }
        return bytes;
    }

    private static byte pick(Random random) {
        return random.nextBoolean() ? INTERESTING[random.nextInt(INTERESTING.length)] : (byte) random.nextInt(256);
    }

    /** Duplicates or deletes one CRLF-terminated line. */
    private static byte[] lineEdit(Random random, byte[] bytes) {
        List<Integer> lineStarts = new ArrayList<>(List.of(0));
        for (int i = 0; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                lineStarts.add(i + 2);
            }
        }
        if (lineStarts.size() < 2) {
            return bytes;
        }
        int line = random.nextInt(lineStarts.size() - 1);
        int start = lineStarts.get(line);
        int end = lineStarts.get(line + 1);
        if (random.nextBoolean()) {
            return splice(bytes, end, end, Arrays.copyOfRange(bytes, start, end));
        }
        return splice(bytes, start, end, new byte[0]);
    }

    private static byte[] splice(byte[] bytes, int from, int to, byte[] insert) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + insert.length);
        out.write(bytes, 0, from);
        out.write(insert, 0, insert.length);
        out.write(bytes, to, bytes.length - to);
        return out.toByteArray();
    }

    static int[] randomCuts(Random random, int length) {
        int[] cuts = new int[random.nextInt(6)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = random.nextInt(length + 1);
        }
        Arrays.sort(cuts);
        return cuts;
    }

    @Test
    void mutatedRequests() {
        Random random = new Random(20240611L);
        List<byte[]> seeds = SplitInvarianceTest.REQUESTS.stream().map(Bytes::latin1).toList();
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            byte[] input = mutate(random, seeds.get(random.nextInt(seeds.size())));
            String whole = checkedRequest(Bytes.at(0, input, false), new int[0]);
            int offset = random.nextInt(20);
            String split = checkedRequest(Bytes.at(offset, input, random.nextBoolean()), randomCuts(random, input.length));
            assertEquals(whole, split, describe(round, input));
            outcomes.merge(whole.split(" ")[0], 1, Integer::sum);
        }
        assertAllOutcomes(outcomes);
    }

    @Test
    void mutatedResponses() {
        Random random = new Random(7L);
        List<byte[]> seeds = SplitInvarianceTest.RESPONSES.stream().map(Bytes::latin1).toList();
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            byte[] input = mutate(random, seeds.get(random.nextInt(seeds.size())));
            String whole = checkedResponse(Bytes.at(0, input, false), new int[0]);
            int offset = random.nextInt(20);
            String split = checkedResponse(Bytes.at(offset, input, random.nextBoolean()), randomCuts(random, input.length));
            assertEquals(whole, split, describe(round, input));
            outcomes.merge(whole.split(" ")[0], 1, Integer::sum);
        }
        assertAllOutcomes(outcomes);
    }

    @Test
    void mutatedChunkedBodies() {
        Random random = new Random(99L);
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            byte[] input = mutate(random, Bytes.latin1(CHUNKED.get(random.nextInt(CHUNKED.size()))));
            String whole = ChunkedScannerTest.run(new ChunkedScanner(32, 64), input, new int[0]);
            String split = ChunkedScannerTest.run(new ChunkedScanner(32, 64), input, randomCuts(random, input.length));
            assertEquals(whole, split, describe(round, input));
            outcomes.merge(whole.split(" ")[0], 1, Integer::sum);
            long consumed = Long.parseLong(whole.split(" ")[1].substring("bytes=".length()));
            assertTrue(consumed >= 0 && consumed <= input.length, whole);
        }
        assertAllOutcomes(outcomes);
    }

    /** The mutations must keep some inputs valid and break others, or the fuzzing proves little. */
    private static void assertAllOutcomes(Map<String, Integer> outcomes) {
        for (ParseStatus status : ParseStatus.values()) {
            assertTrue(outcomes.getOrDefault(status.name(), 0) > ROUNDS / 100, () -> status + " in " + outcomes);
        }
    }

    private static String describe(int round, byte[] input) {
        return "round " + round + ": " + Bytes.range(ByteBuffer.wrap(input), 0, input.length);
    }

    private static String checkedRequest(ByteBuffer buf, int[] cuts) {
        RequestHeadParser parser = new RequestHeadParser(SplitInvarianceTest.LIMITS);
        ParseStatus status = Bytes.feed(buf, cuts, parser::parse);
        assertConsistent(status, parser.head(), buf);
        if (status == ParseStatus.DONE) {
            HttpHead head = parser.head();
            assertTrue(head.headStart() < head.targetStart() && head.targetStart() < head.targetEnd()
                    && head.targetEnd() < head.startLineEnd(), "target inside the request line");
        }
        assertTrue(status != ParseStatus.REJECT || parser.rejection().counter().startsWith("reject."));
        return Bytes.describe(status, parser.head(), parser.rejection(), buf);
    }

    private static String checkedResponse(ByteBuffer buf, int[] cuts) {
        ResponseHeadParser parser = new ResponseHeadParser(SplitInvarianceTest.LIMITS);
        ParseStatus status = Bytes.feed(buf, cuts, parser::parse);
        assertConsistent(status, parser.head(), buf);
        assertTrue(status != ParseStatus.REJECT || parser.rejection().status() == 502);
        return Bytes.describe(status, parser.head(), parser.rejection(), buf);
    }

    /** A DONE head lies inside the buffer, its fields in order, each field's parts in order. */
    private static void assertConsistent(ParseStatus status, HttpHead head, ByteBuffer buf) {
        if (status != ParseStatus.DONE) {
            return;
        }
        assertTrue(buf.position() <= head.headStart() && head.headStart() < head.startLineEnd()
                && head.startLineEnd() <= head.headEnd() - 2 && head.headEnd() <= buf.limit(), "head bounds");
        int previousEnd = head.startLineEnd();
        for (int i = 0; i < head.headerCount(); i++) {
            assertEquals(previousEnd, head.lineStart(i), "fields are contiguous");
            assertTrue(head.nameStart(i) < head.nameEnd(i) && head.nameEnd(i) < head.valueStart(i)
                    && head.valueStart(i) <= head.valueEnd(i) && head.valueEnd(i) <= head.lineEnd(i) - 2,
                    "field parts in order");
            previousEnd = head.lineEnd(i);
        }
        assertEquals(previousEnd + 2, head.headEnd(), "the empty line ends the head");
    }

    @Test
    void pipelinedRequestsWithBodiesAreCutExactly() {
        Random random = new Random(4242L);
        for (int round = 0; round < 300; round++) {
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            List<String> targets = new ArrayList<>();
            List<Integer> starts = new ArrayList<>();
            int requests = 1 + random.nextInt(6);
            for (int r = 0; r < requests; r++) {
                String target = "/r" + round + "/" + r;
                targets.add(target);
                starts.add(stream.size());
                stream.writeBytes(Bytes.latin1(randomRequest(random, target)));
            }
            byte[] bytes = stream.toByteArray();
            int[] cuts = random.nextInt(10) == 0 ? Bytes.oneByOne(bytes.length) : randomCuts(random, bytes.length);
            assertEquals(targets + " " + starts, engineLoop(bytes, cuts), "round " + round);
        }
    }

    /** A valid request whose body, if any, looks like another request, to catch framing mistakes. */
    private static String randomRequest(Random random, String target) {
        String decoy = "GET /decoy HTTP/1.1\r\nHost: evil\r\n\r\n";
        switch (random.nextInt(3)) {
            case 0:
                return "GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n";
            case 1:
                return "POST " + target + " HTTP/1.1\r\nHost: h\r\nContent-Length: " + decoy.length() + "\r\n\r\n"
                        + decoy;
            default:
                StringBuilder body = new StringBuilder();
                for (int c = random.nextInt(3); c > 0; c--) {
                    body.append(Integer.toHexString(decoy.length())).append(random.nextBoolean() ? ";x=y" : "")
                            .append("\r\n").append(decoy).append("\r\n");
                }
                body.append("0\r\n").append(random.nextBoolean() ? "T: 1\r\n" : "").append("\r\n");
                return "POST " + target + " HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + body;
        }
    }

    /** Consumes the stream the way the engine does: head, then body by Content-Length or chunked, then next. */
    private static String engineLoop(byte[] bytes, int[] cuts) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        RequestHeadParser parser = new RequestHeadParser(HeadLimits.DEFAULT);
        ChunkedScanner chunked = new ChunkedScanner();
        List<String> targets = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        int pos = 0;
        long lengthLeft = 0;
        boolean inChunked = false;
        int[] ends = Arrays.copyOf(cuts, cuts.length + 1);
        ends[cuts.length] = bytes.length;
        for (int limit : ends) {
            buf.limit(Math.max(limit, pos));
            while (true) {
                if (lengthLeft > 0) {
                    int step = (int) Math.min(lengthLeft, buf.limit() - pos);
                    pos += step;
                    lengthLeft -= step;
                    if (lengthLeft > 0) {
                        break;
                    }
                } else if (inChunked) {
                    ParseStatus status = chunked.scan(buf, pos, buf.limit());
                    pos += chunked.consumed();
                    if (status == ParseStatus.NEED_MORE) {
                        break;
                    }
                    assertEquals(ParseStatus.DONE, status, chunked.rejection().toString());
                    inChunked = false;
                } else {
                    buf.position(pos);
                    ParseStatus status = parser.parse(buf);
                    if (status == ParseStatus.NEED_MORE) {
                        break;
                    }
                    assertEquals(ParseStatus.DONE, status, parser.rejection().toString());
                    HttpHead head = parser.head();
                    targets.add(head.target());
                    starts.add(head.headStart());
                    pos = head.headEnd();
                    lengthLeft = Math.max(0, head.contentLength());
                    inChunked = head.chunked();
                    chunked.reset();
                    parser.reset();
                }
            }
        }
        assertEquals(bytes.length, pos, "the whole stream is consumed");
        return targets + " " + starts;
    }
}
