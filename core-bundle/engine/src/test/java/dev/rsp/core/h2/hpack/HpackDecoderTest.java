package dev.rsp.core.h2.hpack;

import static dev.rsp.core.h2.hpack.Fields.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The decoder's limits and errors: HPACK bombs stopped at the header list limit with the table kept in step,
 * integers that overflow, misplaced or oversized table size updates, bad indexes, truncation, and a decoder that
 * refuses everything after a COMPRESSION_ERROR.
 */
class HpackDecoderTest {

    /** A literal with incremental indexing, new name "x", raw value of {@code length} 'a's. */
    private static ByteBuffer bigEntry(int length, int references) {
        ByteBuffer block = ByteBuffer.allocate(16 + length + references);
        block.put((byte) 0x40).put((byte) 1).put((byte) 'x');
        HpackEncoder.writeInteger(block, 0x00, 7, length);
        for (int i = 0; i < length; i++) {
            block.put((byte) 'a');
        }
        for (int i = 0; i < references; i++) {
            block.put((byte) 0xBE); // index 62: the entry just added
        }
        return block.flip();
    }

    @Test
    void aBombOfTenThousandReferencesStopsAtTheListLimitAndKeepsTheTableInStep() {
        HpackDecoder decoder = new HpackDecoder(HpackLimits.DEFAULT);
        Fields.Recorder sink = new Fields.Recorder();
        ByteBuffer bomb = bigEntry(4_000, 10_000); // 14 KB that would expand to 40 MB
        assertEquals(DecodeStatus.HEADER_LIST_TOO_LARGE, decoder.decode(bomb, sink));
        assertEquals(HpackDefect.HEADER_LIST_TOO_LARGE, decoder.defect());
        assertFalse(decoder.defect().connectionError());
        // 4,033 bytes per field against 32 KiB: the sink saw 8 fields, not 10,001
        assertEquals(8, sink.lines.size());
        assertEquals(0, bomb.remaining());

        // the connection continues: the next block still sees the entry
        Fields.Recorder next = new Fields.Recorder();
        assertEquals(DecodeStatus.DONE, decoder.decode(hex("82 be"), next));
        assertEquals(List.of(":method: GET", "x: " + "a".repeat(4_000)), next.lines);
    }

    @Test
    void entriesAddedAfterTheLimitStillReachTheTable() {
        HpackDecoder decoder = new HpackDecoder(new HpackLimits(4096, 1024, 100));
        ByteBuffer block = ByteBuffer.allocate(200);
        for (int i = 0; i < 40; i++) {
            block.put((byte) 0x82); // 42 bytes each: over 1,024 at the 25th
        }
        block.put(hex("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572")); // custom-key: custom-header
        Fields.Recorder sink = new Fields.Recorder();
        assertEquals(DecodeStatus.HEADER_LIST_TOO_LARGE, decoder.decode(block.flip(), sink));
        assertEquals(24, sink.lines.size());
        assertEquals(List.of("custom-key: custom-header"), Fields.table(decoder.table()));

        Fields.Recorder next = new Fields.Recorder();
        assertEquals(DecodeStatus.DONE, decoder.decode(hex("be"), next));
        assertEquals(List.of("custom-key: custom-header"), next.lines);
    }

    @Test
    void tooManyFieldsIsAStreamError() {
        HpackDecoder decoder = new HpackDecoder(new HpackLimits(4096, 1 << 20, 100));
        ByteBuffer block = ByteBuffer.allocate(101);
        while (block.hasRemaining()) {
            block.put((byte) 0x82);
        }
        Fields.Recorder sink = new Fields.Recorder();
        assertEquals(DecodeStatus.HEADER_LIST_TOO_LARGE, decoder.decode(block.flip(), sink));
        assertEquals(HpackDefect.TOO_MANY_FIELDS, decoder.defect());
        assertEquals(100, sink.lines.size());
        assertEquals(DecodeStatus.DONE, decoder.decode(hex("82"), new Fields.Recorder()));
    }

    @Test
    void aStringLongerThanBothLimitsIsCountedNotKept() {
        HpackDecoder decoder = new HpackDecoder(new HpackLimits(256, 1024, 100));
        Fields.Recorder sink = new Fields.Recorder();
        // indexed, but 100,032 bytes: it empties the table (§4.4) and exceeds the list
        decoder.decode(hex("4001 79 00"), sink); // y: "" as a first entry
        assertEquals(1, decoder.table().count());
        assertEquals(DecodeStatus.HEADER_LIST_TOO_LARGE, decoder.decode(bigEntry(100_000, 0), sink));
        assertEquals(0, decoder.table().count());
        assertEquals(0, decoder.table().size());
    }

    @Test
    void integerOverflowIsACompressionError() {
        // index 127 + 0x7f + (0x7f << 7) + ... past 2^31-1
        assertConnectionError("ff ff ff ff ff 0f", HpackDefect.INTEGER_OVERFLOW);
        // a small value padded with continuation bytes: more than five is refused
        assertConnectionError("ff 80 80 80 80 80 00", HpackDefect.INTEGER_OVERFLOW);
        // 2^31-1 itself is a valid integer: as a string length it is only longer than the block
        ByteBuffer block = ByteBuffer.allocate(16).put((byte) 0x40).put((byte) 1).put((byte) 'x');
        HpackEncoder.writeInteger(block, 0x00, 7, Integer.MAX_VALUE);
        HpackDecoder decoder = new HpackDecoder(HpackLimits.DEFAULT);
        assertEquals(DecodeStatus.COMPRESSION_ERROR, decoder.decode(block.flip(), new Fields.Recorder()));
        assertEquals(HpackDefect.TRUNCATED, decoder.defect());
    }

    @Test
    void integersAtTheRfcExamples() {
        // C.1: 10 and 1337 in a 5-bit prefix, 42 in an 8-bit prefix
        ByteBuffer out = ByteBuffer.allocate(8);
        HpackEncoder.writeInteger(out, 0, 5, 10);
        HpackEncoder.writeInteger(out, 0, 5, 1337);
        HpackEncoder.writeInteger(out, 0, 8, 42);
        assertEquals("0a1f9a0a2a", Fields.hexOf(out));
    }

    @Test
    void aSizeUpdateAboveTheSettingIsACompressionError() {
        assertEquals(DecodeStatus.DONE, new HpackDecoder(HpackLimits.DEFAULT).decode(hex("3fe11f 82"),
                new Fields.Recorder()), "4,096 is allowed");
        assertConnectionError("3fe21f 82", HpackDefect.TABLE_SIZE_UPDATE_TOO_LARGE); // 4,097
        ByteBuffer huge = ByteBuffer.allocate(8);
        HpackEncoder.writeInteger(huge, 0x20, 5, 1 << 30);
        HpackDecoder decoder = new HpackDecoder(HpackLimits.DEFAULT);
        assertEquals(DecodeStatus.COMPRESSION_ERROR, decoder.decode(huge.flip(), new Fields.Recorder()));
        assertEquals(HpackDefect.TABLE_SIZE_UPDATE_TOO_LARGE, decoder.defect());
        assertEquals(4096, decoder.table().maxSize(), "nothing was allocated for it");
    }

    @Test
    void aSizeUpdateOnlyAtTheStartOfABlock() {
        HpackDecoder decoder = new HpackDecoder(HpackLimits.DEFAULT);
        Fields.Recorder sink = new Fields.Recorder();
        assertEquals(DecodeStatus.DONE, decoder.decode(hex("20 3f61 82"), sink), "two updates, then a field");
        assertEquals(128, decoder.table().maxSize());
        assertConnectionError("82 20", HpackDefect.TABLE_SIZE_UPDATE_NOT_AT_START);
        assertConnectionError("4001 7801 79 3f61", HpackDefect.TABLE_SIZE_UPDATE_NOT_AT_START);
    }

    @Test
    void aLoweredSettingRequiresAnUpdateInTheNextBlock() {
        HpackDecoder decoder = new HpackDecoder(HpackLimits.DEFAULT);
        decoder.maxTableSize(1024);
        assertEquals(DecodeStatus.COMPRESSION_ERROR, decoder.decode(hex("82"), new Fields.Recorder()));
        assertEquals(HpackDefect.TABLE_SIZE_UPDATE_MISSING, decoder.defect());

        HpackDecoder compliant = new HpackDecoder(HpackLimits.DEFAULT);
        compliant.maxTableSize(1024);
        assertEquals(DecodeStatus.DONE, compliant.decode(hex("3fe107 82"), new Fields.Recorder()));
        assertEquals(1024, compliant.table().maxSize());
        assertEquals(DecodeStatus.DONE, compliant.decode(hex("82"), new Fields.Recorder()));
    }

    @Test
    void badIndexes() {
        assertConnectionError("80", HpackDefect.BAD_INDEX);
        assertConnectionError("be", HpackDefect.BAD_INDEX);
        assertConnectionError("7e 01 61", HpackDefect.BAD_INDEX); // literal naming dynamic entry 62 of none
        assertConnectionError("4001 7801 79 c0", HpackDefect.BAD_INDEX); // one entry: 62 exists, 64 does not
    }

    @Test
    void truncatedBlocks() {
        assertConnectionError("41", HpackDefect.TRUNCATED);
        assertConnectionError("41 05 6162", HpackDefect.TRUNCATED);
        assertConnectionError("40 03 6162", HpackDefect.TRUNCATED);
        assertConnectionError("ff", HpackDefect.TRUNCATED);
        assertConnectionError("ff 80", HpackDefect.TRUNCATED);
    }

    @Test
    void invalidHuffmanInABlock() {
        assertConnectionError("41 81 ff", HpackDefect.HUFFMAN_PADDING);
        assertConnectionError("41 84 ffffffff", HpackDefect.HUFFMAN_EOS);
    }

    @Test
    void afterACompressionErrorEveryBlockIsRefused() {
        HpackDecoder decoder = new HpackDecoder(HpackLimits.DEFAULT);
        assertEquals(DecodeStatus.COMPRESSION_ERROR, decoder.decode(hex("80"), new Fields.Recorder()));
        assertTrue(decoder.defect().connectionError());
        ByteBuffer valid = hex("82");
        assertEquals(DecodeStatus.COMPRESSION_ERROR, decoder.decode(valid, new Fields.Recorder()));
        assertEquals(HpackDefect.DECODER_FAILED_BEFORE, decoder.defect());
        assertEquals(0, valid.remaining());
    }

    @Test
    void theBlockIsReadFromItsPositionToItsLimit() {
        ByteBuffer framed = hex("ffff 8286 ffff");
        framed.position(2).limit(4);
        Fields.Recorder sink = new Fields.Recorder();
        assertEquals(DecodeStatus.DONE, new HpackDecoder(HpackLimits.DEFAULT).decode(framed, sink));
        assertEquals(List.of(":method: GET", ":scheme: http"), sink.lines);
        assertEquals(4, framed.position());

        ByteBuffer direct = ByteBuffer.allocateDirect(2).put(hex("8286")).flip();
        Fields.Recorder fromDirect = new Fields.Recorder();
        assertEquals(DecodeStatus.DONE, new HpackDecoder(HpackLimits.DEFAULT).decode(direct, fromDirect));
        assertEquals(sink.lines, fromDirect.lines);
    }

    @Test
    void defectIsOnlyAskedAfterAFailure() {
        HpackDecoder decoder = new HpackDecoder(HpackLimits.DEFAULT);
        assertEquals(DecodeStatus.DONE, decoder.decode(hex("82"), new Fields.Recorder()));
        assertThrows(IllegalStateException.class, decoder::defect);
    }

    private static void assertConnectionError(String block, HpackDefect expected) {
        HpackDecoder decoder = new HpackDecoder(HpackLimits.DEFAULT);
        assertEquals(DecodeStatus.COMPRESSION_ERROR, decoder.decode(hex(block), new Fields.Recorder()), block);
        assertEquals(expected, decoder.defect(), block);
    }
}
