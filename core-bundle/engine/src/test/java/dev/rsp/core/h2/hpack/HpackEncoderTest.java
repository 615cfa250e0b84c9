package dev.rsp.core.h2.hpack;

import static dev.rsp.core.h2.hpack.Fields.hexOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The encoder's choices (never indexed, not indexed, indexed), its table size updates after a settings change,
 * the room contract, and round trips through rsp's own decoder with the tables changing size mid-connection.
 */
class HpackEncoderTest {

    private static String encode(HpackEncoder encoder, String name, String value) {
        ByteBuffer out = ByteBuffer.allocate(12 + HpackEncoder.maxFieldLength(name.length(), value.length()));
        assertTrue(encoder.startBlock(out));
        assertTrue(encoder.field(out, name, value));
        return hexOf(out);
    }

    @Test
    void credentialsAndSetCookieAreNeverIndexed() {
        HpackEncoder encoder = new HpackEncoder();
        for (String name : List.of("authorization", "proxy-authorization", "set-cookie")) {
            String first = encode(encoder, name, "a secret of some length");
            assertEquals("1f", first.substring(0, 2), name + ": never indexed, name index in the continuation byte");
            assertEquals(first, encode(encoder, name, "a secret of some length"), name + ": not in any table");
        }
        assertTrue(encode(encoder, "cookie", "sid=12345").startsWith("1f11"), "a short cookie is never indexed");
        assertTrue(encode(encoder, "cookie", "sid=0123456789abcdefghij").startsWith("60"), "a long one is indexed");
        assertEquals(1, encoder.table().count());
        assertTrue(encode(encoder, "x-token", "t").startsWith("40"));
        ByteBuffer out = ByteBuffer.allocate(64);
        byte[] name = "x-token".getBytes(StandardCharsets.ISO_8859_1);
        byte[] value = "t".getBytes(StandardCharsets.ISO_8859_1);
        assertTrue(encoder.startBlock(out) && encoder.field(out, name, name.length, value, value.length, true));
        assertEquals("1f2f", hexOf(out).substring(0, 4), "the caller's flag wins over the table's x-token: t (62)");
    }

    @Test
    void valuesThatRarelyRepeatAreNotIndexed() {
        HpackEncoder encoder = new HpackEncoder();
        assertTrue(encode(encoder, "content-length", "1234").startsWith("0f0d"));
        assertTrue(encode(encoder, "etag", "\"abc\"").startsWith("0f13"));
        assertTrue(encode(encoder, "location", "/next").startsWith("0f1f"));
        assertTrue(encode(encoder, ":path", "/a/b").startsWith("04"));
        assertEquals(0, encoder.table().count());
        assertEquals("8c", encode(encoder, ":status", "400"), "a static entry is still used as an index");
        assertTrue(encode(encoder, "x-big", "v".repeat(3_100)).startsWith("00"), "over 3/4 of the table");
        assertEquals(0, encoder.table().count());
    }

    @Test
    void repeatedFieldsBecomeOneByte() {
        HpackEncoder encoder = new HpackEncoder();
        ByteBuffer out = ByteBuffer.allocate(256);
        assertTrue(encoder.startBlock(out) && encoder.status(out, 302)
                && encoder.field(out, "Content-Type", "text/html") && encoder.field(out, "server", "rsp"));
        assertEquals(3, encoder.table().count());
        out.clear();
        assertTrue(encoder.startBlock(out) && encoder.status(out, 302)
                && encoder.field(out, "content-type", "text/html") && encoder.field(out, "SERVER", "rsp"));
        assertEquals("c0bfbe", hexOf(out), "newest first: server 62, content-type 63, :status 64");
    }

    @Test
    void namesFromABufferAreLowerCased() {
        ByteBuffer head = ByteBuffer.wrap("X-Served-By: Edge-1\r\n".getBytes(StandardCharsets.ISO_8859_1));
        HpackEncoder encoder = new HpackEncoder();
        ByteBuffer out = ByteBuffer.allocate(64);
        assertTrue(encoder.startBlock(out) && encoder.field(out, head, 0, 11, 13, 19));
        assertEquals(List.of("x-served-by: Edge-1"), decode(new HpackDecoder(HpackLimits.DEFAULT), out));
        assertEquals(0, head.position());
    }

    @Test
    void aLoweredPeerSettingIsAnnouncedAtTheNextBlock() {
        HpackEncoder encoder = new HpackEncoder();
        encode(encoder, "x-a", "1");
        encoder.peerMaxTableSize(0);
        assertEquals("20", encode(encoder, "x-a", "1").substring(0, 2));
        assertEquals(0, encoder.table().maxSize());

        encoder.peerMaxTableSize(1024);
        encoder.peerMaxTableSize(100);
        encoder.peerMaxTableSize(8192);
        ByteBuffer out = ByteBuffer.allocate(64);
        assertTrue(encoder.startBlock(out));
        assertEquals("3fe11f", hexOf(out), "the table was at 0, below every size since: only the final 4,096 (our cap)");

        encoder.peerMaxTableSize(100);
        encoder.peerMaxTableSize(4096);
        out.clear();
        assertTrue(encoder.startBlock(out));
        assertEquals("3f45" + "3fe11f", hexOf(out), "down to 100, then back up to 4,096");
        out.clear();
        assertTrue(encoder.startBlock(out));
        assertEquals("", hexOf(out), "announced once");
    }

    @Test
    void aSmallerOwnTableIsAnnouncedInTheFirstBlock() {
        HpackEncoder encoder = new HpackEncoder(1024);
        ByteBuffer out = ByteBuffer.allocate(64);
        assertTrue(encoder.startBlock(out));
        assertEquals("3fe107", hexOf(out));
        encoder.peerMaxTableSize(65536);
        out.clear();
        assertTrue(encoder.startBlock(out));
        assertEquals("", hexOf(out), "the peer's larger table does not raise ours");
    }

    @Test
    void tooLittleRoomWritesNothingAndChangesNothing() {
        HpackEncoder encoder = new HpackEncoder();
        ByteBuffer small = ByteBuffer.allocate(20);
        assertTrue(encoder.startBlock(small));
        assertFalse(encoder.field(small, "x-long", "a value that does not fit"));
        assertEquals(0, small.position());
        assertEquals(0, encoder.table().count());
        assertFalse(encoder.startBlock(ByteBuffer.allocate(11)));

        ByteBuffer enough = ByteBuffer.allocate(HpackEncoder.maxFieldLength(6, 25));
        assertTrue(encoder.field(enough, "x-long", "a value that does not fit"));
        assertEquals(encode(new HpackEncoder(), "x-long", "a value that does not fit"), hexOf(enough));
    }

    @Test
    void randomResponsesRoundTripThroughOurDecoderWhileTablesResize() {
        Random random = new Random(9113L);
        HpackEncoder encoder = new HpackEncoder();
        HpackDecoder decoder = new HpackDecoder(new HpackLimits(4096, 1 << 20, 1000));
        ByteBuffer out = ByteBuffer.allocate(1 << 16);
        for (int block = 0; block < 2_000; block++) {
            if (random.nextInt(50) == 0) {
                int size = random.nextInt(5000);
                encoder.peerMaxTableSize(size);
                decoder.maxTableSize(size);
            }
            List<String> fields = RandomFields.response(random);
            out.clear();
            assertTrue(encoder.startBlock(out));
            for (String line : fields) {
                int colon = line.indexOf(": ", 1);
                assertTrue(line.startsWith(":status: ") ? encoder.status(out, Integer.parseInt(line.substring(9)))
                        : encoder.field(out, line.substring(0, colon), line.substring(colon + 2)));
            }
            assertEquals(fields, decode(decoder, out), "block " + block);
            assertEquals(Fields.table(encoder.table()), Fields.table(decoder.table()), "block " + block);
        }
    }

    /** Decodes what was written to out, dropping the never-indexed marks. */
    static List<String> decode(HpackDecoder decoder, ByteBuffer written) {
        Fields.Recorder sink = new Fields.Recorder();
        assertEquals(DecodeStatus.DONE, decoder.decode(written.duplicate().flip(), sink));
        List<String> lines = new ArrayList<>();
        sink.lines.forEach(line -> lines.add(line.replace(" (never indexed)", "")));
        return lines;
    }
}
