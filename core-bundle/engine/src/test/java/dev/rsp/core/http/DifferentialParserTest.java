package dev.rsp.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The faster field-line scanner, request line and status line against the byte-at-a-time versions they replaced
 * (kept as {@link ReferenceFieldLineScanner}, {@link ReferenceRequestHeadParser} and
 * {@link ReferenceResponseHeadParser}): for fixed-seed mutated heads, in
 * random pieces, from heap and direct buffers, under default and tiny limits, both report the same events,
 * offsets, defects and heads. Reused Host and target strings are checked against the bytes each time.
 */
class DifferentialParserTest {
    private static final int ROUNDS = 10_000;
    private static final List<HeadLimits> LIMITS = List.of(HeadLimits.DEFAULT, new HeadLimits(20, 64, 4),
            new HeadLimits(64, 40, 100), new HeadLimits(8, 300, 3), new HeadLimits(30, 1000, 100),
            new HeadLimits(45, 50, 100), new HeadLimits(100, 120, 5));

    @Test
    void fieldLineScannerMatchesTheReference() {
        Random random = new Random(9001L);
        List<byte[]> seeds = SplitInvarianceTest.REQUESTS.stream().map(Bytes::latin1).toList();
        for (int round = 0; round < ROUNDS; round++) {
            byte[] input = ParserFuzzTest.mutate(random, seeds.get(random.nextInt(seeds.size())));
            ByteBuffer buf = Bytes.at(random.nextInt(8), input, random.nextBoolean());
            int start = buf.position() + random.nextInt(input.length + 1);
            int stop = start + random.nextInt(input.length + 2);
            int[] cuts = ParserFuzzTest.randomCuts(random, buf.limit() - start);
            FieldLineScanner fast = new FieldLineScanner();
            ReferenceFieldLineScanner reference = new ReferenceFieldLineScanner();
            String context = "round " + round + ": " + Bytes.range(buf, start, buf.limit());
            int next = start;
            boolean over = false;
            for (int c = 0; c <= cuts.length && !over; c++) {
                int to = c < cuts.length ? start + cuts[c] : buf.limit();
                while (true) {
                    int event = fast.scan(buf, next, to, stop);
                    assertEquals(reference.scan(buf, next, to, stop), event, context);
                    assertEquals(reference.next, fast.next, context);
                    if (event == FieldLineScanner.ERROR) {
                        assertEquals(reference.defect, fast.defect, context);
                    }
                    if (event == FieldLineScanner.LINE) {
                        assertEquals(List.of(reference.lineStart, reference.nameEnd, reference.valueStart,
                                reference.valueEnd, reference.lineEnd), List.of(fast.lineStart, fast.nameEnd,
                                fast.valueStart, fast.valueEnd, fast.lineEnd), context);
                    }
                    next = fast.next;
                    if (event == FieldLineScanner.NEED_MORE) {
                        break;
                    }
                    if (event != FieldLineScanner.LINE) {
                        over = true;
                        break;
                    }
                }
            }
        }
    }

    @Test
    void requestHeadParserMatchesTheReference() {
        Random random = new Random(4242L);
        List<byte[]> seeds = SplitInvarianceTest.REQUESTS.stream().map(Bytes::latin1).toList();
        for (HeadLimits limits : LIMITS) {
            RequestHeadParser fast = new RequestHeadParser(limits);
            ReferenceRequestHeadParser reference = new ReferenceRequestHeadParser(limits);
            byte[] previous = seeds.get(0);
            for (int round = 0; round < ROUNDS; round++) {
                // often the same head again, as on a keep-alive connection, so that reused strings are exercised
                byte[] input = random.nextInt(4) == 0 ? previous
                        : ParserFuzzTest.mutate(random, seeds.get(random.nextInt(seeds.size())));
                previous = input;
                ByteBuffer buf = Bytes.at(random.nextInt(8), input, random.nextBoolean());
                int[] cuts = ParserFuzzTest.randomCuts(random, input.length);
                fast.reset();
                reference.reset();
                ParseStatus fastStatus = Bytes.feed(buf, cuts, fast::parse);
                ParseStatus referenceStatus = Bytes.feed(buf, cuts, reference::parse);
                String context = limits + " round " + round + ": " + Bytes.range(buf, buf.position(), buf.limit());
                assertEquals(Bytes.describe(referenceStatus, reference.head(), reference.rejection(), buf),
                        Bytes.describe(fastStatus, fast.head(), fast.rejection(), buf), context);
                if (fastStatus == ParseStatus.DONE) {
                    HttpHead h = fast.head();
                    if (!h.absoluteForm() && !h.target().equals("*")) {
                        assertEquals(Bytes.range(buf, h.targetStart(), h.targetEnd()), h.target(), context);
                    }
                    for (int i = 0; i < h.headerCount(); i++) {
                        if (h.nameIs(buf, i, "host")) {
                            // RFC 9112 3.2.2: an absolute-form target's authority replaces Host
                            assertEquals(h.absoluteForm() ? h.authority() : h.value(buf, i), h.host(), context);
                        }
                    }
                }
            }
        }
    }

    @Test
    void responseHeadParserMatchesTheReference() {
        Random random = new Random(777L);
        List<byte[]> seeds = SplitInvarianceTest.RESPONSES.stream().map(Bytes::latin1).toList();
        for (HeadLimits limits : LIMITS) {
            ResponseHeadParser fast = new ResponseHeadParser(limits);
            ReferenceResponseHeadParser reference = new ReferenceResponseHeadParser(limits);
            for (int round = 0; round < ROUNDS; round++) {
                byte[] input = ParserFuzzTest.mutate(random, seeds.get(random.nextInt(seeds.size())));
                ByteBuffer buf = Bytes.at(random.nextInt(8), input, random.nextBoolean());
                int[] cuts = random.nextBoolean() ? new int[0] : ParserFuzzTest.randomCuts(random, input.length);
                fast.reset();
                reference.reset();
                ParseStatus fastStatus = Bytes.feed(buf, cuts, fast::parse);
                ParseStatus referenceStatus = Bytes.feed(buf, cuts, reference::parse);
                assertEquals(Bytes.describe(referenceStatus, reference.head(), reference.rejection(), buf),
                        Bytes.describe(fastStatus, fast.head(), fast.rejection(), buf),
                        limits + " round " + round + ": " + Bytes.range(buf, buf.position(), buf.limit()));
            }
        }
    }
}
