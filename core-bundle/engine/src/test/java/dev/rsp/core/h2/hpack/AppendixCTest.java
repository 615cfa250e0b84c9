package dev.rsp.core.h2.hpack;

import static dev.rsp.core.h2.hpack.Fields.hex;
import static dev.rsp.core.h2.hpack.Fields.hexOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.h2.hpack.HpackEncoder.Indexing;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 7541 Appendix C, both ways: each block decodes to the RFC's header list and leaves the RFC's dynamic table
 * (entries newest first, and size), and encoding the header list gives the RFC's bytes where the RFC's choices are
 * deterministic (the examples index every field, hence {@link Indexing#ALL}).
 */
class AppendixCTest {

    private static final String WWW = ":authority: www.example.com";
    private static final String DATE_21 = "date: Mon, 21 Oct 2013 20:13:21 GMT";
    private static final String DATE_22 = "date: Mon, 21 Oct 2013 20:13:22 GMT";
    private static final String LOCATION = "location: https://www.example.com";
    private static final String COOKIE = "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";

    /** One block of a sequence: its bytes, the fields, and the dynamic table after it. */
    record Step(String hex, List<String> fields, List<String> table, int tableSize) {
    }

    static final List<Step> REQUESTS_RAW = List.of(
            new Step("8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
                    List.of(":method: GET", ":scheme: http", ":path: /", WWW), List.of(WWW), 57),
            new Step("8286 84be 5808 6e6f 2d63 6163 6865",
                    List.of(":method: GET", ":scheme: http", ":path: /", WWW, "cache-control: no-cache"),
                    List.of("cache-control: no-cache", WWW), 110),
            new Step("8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65",
                    List.of(":method: GET", ":scheme: https", ":path: /index.html", WWW, "custom-key: custom-value"),
                    List.of("custom-key: custom-value", "cache-control: no-cache", WWW), 164));

    static final List<Step> REQUESTS_HUFFMAN = List.of(
            new Step("8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff", REQUESTS_RAW.get(0).fields,
                    REQUESTS_RAW.get(0).table, 57),
            new Step("8286 84be 5886 a8eb 1064 9cbf", REQUESTS_RAW.get(1).fields, REQUESTS_RAW.get(1).table, 110),
            new Step("8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf", REQUESTS_RAW.get(2).fields,
                    REQUESTS_RAW.get(2).table, 164));

    static final List<Step> RESPONSES_RAW = List.of(
            new Step("4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133"
                    + "2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
                    List.of(":status: 302", "cache-control: private", DATE_21, LOCATION),
                    List.of(LOCATION, DATE_21, "cache-control: private", ":status: 302"), 222),
            new Step("4803 3330 37c1 c0bf",
                    List.of(":status: 307", "cache-control: private", DATE_21, LOCATION),
                    List.of(":status: 307", LOCATION, DATE_21, "cache-control: private"), 222),
            new Step("88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d"
                    + "54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049"
                    + "5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31",
                    List.of(":status: 200", "cache-control: private", DATE_22, LOCATION, "content-encoding: gzip",
                            COOKIE),
                    List.of(COOKIE, "content-encoding: gzip", DATE_22), 215));

    static final List<Step> RESPONSES_HUFFMAN = List.of(
            new Step("4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6"
                    + "2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3", RESPONSES_RAW.get(0).fields,
                    RESPONSES_RAW.get(0).table, 222),
            new Step("4883 640e ffc1 c0bf", RESPONSES_RAW.get(1).fields, RESPONSES_RAW.get(1).table, 222),
            new Step("88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab"
                    + "77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f"
                    + "9587 3160 65c0 03ed 4ee5 b106 3d50 07", RESPONSES_RAW.get(2).fields,
                    RESPONSES_RAW.get(2).table, 215));

    @Test
    void c2SingleRepresentationsDecode() {
        assertDecodes(4096, List.of(new Step("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572",
                List.of("custom-key: custom-header"), List.of("custom-key: custom-header"), 55)));
        assertDecodes(4096, List.of(new Step("040c 2f73 616d 706c 652f 7061 7468",
                List.of(":path: /sample/path"), List.of(), 0)));
        assertDecodes(4096, List.of(new Step("1008 7061 7373 776f 7264 0673 6563 7265 74",
                List.of("password: secret (never indexed)"), List.of(), 0)));
        assertDecodes(4096, List.of(new Step("82", List.of(":method: GET"), List.of(), 0)));
    }

    @Test
    void c2SingleRepresentationsEncode() {
        ByteBuffer out = ByteBuffer.allocate(64);
        HpackEncoder all = new HpackEncoder(4096, Indexing.ALL, false, 4096);
        assertTrue(all.startBlock(out) && all.field(out, "custom-key", "custom-header"));
        assertEquals("400a637573746f6d2d6b65790d637573746f6d2d686561646572", hexOf(out));

        // :path is not indexed by rsp's own choice, which gives the RFC's "literal without indexing"
        HpackEncoder selective = new HpackEncoder(4096, Indexing.SELECTIVE, false, 4096);
        out.clear();
        assertTrue(selective.startBlock(out) && selective.field(out, ":path", "/sample/path"));
        assertEquals("040c2f73616d706c652f70617468", hexOf(out));

        out.clear();
        byte[] name = "password".getBytes();
        byte[] value = "secret".getBytes();
        assertTrue(selective.startBlock(out) && selective.field(out, name, name.length, value, value.length, true));
        assertEquals("100870617373776f726406736563726574", hexOf(out));

        out.clear();
        assertTrue(selective.startBlock(out) && selective.field(out, ":method", "GET"));
        assertEquals("82", hexOf(out));
        assertEquals(0, selective.table().count());
    }

    @Test
    void c3RequestsWithoutHuffman() {
        assertDecodes(4096, REQUESTS_RAW);
        assertEncodes(new HpackEncoder(4096, Indexing.ALL, false, 4096), REQUESTS_RAW);
    }

    @Test
    void c4RequestsWithHuffman() {
        assertDecodes(4096, REQUESTS_HUFFMAN);
        assertEncodes(new HpackEncoder(4096, Indexing.ALL, true, 4096), REQUESTS_HUFFMAN);
    }

    @Test
    void c5ResponsesWithoutHuffmanEvictIn256Bytes() {
        assertDecodes(256, RESPONSES_RAW);
        assertEncodes(new HpackEncoder(256, Indexing.ALL, false, 256), RESPONSES_RAW);
    }

    @Test
    void c6ResponsesWithHuffmanEvictIn256Bytes() {
        assertDecodes(256, RESPONSES_HUFFMAN);
        assertEncodes(new HpackEncoder(256, Indexing.ALL, true, 256), RESPONSES_HUFFMAN);
    }

    private static void assertDecodes(int tableSize, List<Step> steps) {
        HpackDecoder decoder = new HpackDecoder(new HpackLimits(tableSize, 1 << 16, 100));
        for (Step step : steps) {
            Fields.Recorder sink = new Fields.Recorder();
            ByteBuffer block = hex(step.hex);
            assertEquals(DecodeStatus.DONE, decoder.decode(block, sink), step.hex);
            assertEquals(0, block.remaining());
            assertEquals(step.fields, sink.lines, step.hex);
            assertEquals(step.table, Fields.table(decoder.table()), step.hex);
            assertEquals(step.tableSize, decoder.table().size(), step.hex);
        }
    }

    private static void assertEncodes(HpackEncoder encoder, List<Step> steps) {
        for (Step step : steps) {
            ByteBuffer out = ByteBuffer.allocate(256);
            assertTrue(encoder.startBlock(out));
            for (String line : step.fields) {
                int colon = line.indexOf(": ", 1);
                String name = line.substring(0, colon);
                String value = line.substring(colon + 2);
                assertTrue(name.equals(":status") ? encoder.status(out, Integer.parseInt(value))
                        : encoder.field(out, name, value));
            }
            assertEquals(step.hex.replaceAll("\\s", ""), hexOf(out));
            assertEquals(step.table, Fields.table(encoder.table()), step.hex);
            assertEquals(step.tableSize, encoder.table().size(), step.hex);
        }
    }
}
