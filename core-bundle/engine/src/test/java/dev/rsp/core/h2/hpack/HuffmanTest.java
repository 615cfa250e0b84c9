package dev.rsp.core.h2.hpack;

import static dev.rsp.core.h2.hpack.Fields.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Appendix B table as typed, the RFC's Huffman strings, random round trips, and the §5.2 decoding errors. */
class HuffmanTest {

    @Test
    void theTableIsTheCanonicalCodeItsLengthsDefine() {
        Integer[] symbols = new Integer[Huffman.EOS + 1];
        Arrays.setAll(symbols, s -> s);
        Arrays.sort(symbols, (a, b) -> Huffman.LENGTHS[a] != Huffman.LENGTHS[b]
                ? Huffman.LENGTHS[a] - Huffman.LENGTHS[b] : a - b);
        long code = 0;
        int previousLength = Huffman.LENGTHS[symbols[0]];
        double kraft = 0;
        for (int i = 0; i < symbols.length; i++) {
            int length = Huffman.LENGTHS[symbols[i]];
            if (i > 0) {
                code = (code + 1) << (length - previousLength);
            }
            previousLength = length;
            assertEquals(code, Huffman.CODES[symbols[i]], "symbol " + symbols[i]);
            kraft += Math.pow(2, -length);
        }
        assertEquals(1.0, kraft, "a complete code: every bit string decodes");
        // a few entries read off Appendix B
        assertEquals(0x3fffffff, Huffman.CODES[Huffman.EOS]);
        assertEquals(30, Huffman.LENGTHS[Huffman.EOS]);
        assertEquals(0x14, Huffman.CODES[' ']);
        assertEquals(6, Huffman.LENGTHS[' ']);
        assertEquals(0x3, Huffman.CODES['a']);
        assertEquals(0x1ff8, Huffman.CODES[0]);
        assertEquals(13, Huffman.LENGTHS[0]);
        assertEquals(0x3ffffee, Huffman.CODES[255]);
        assertEquals(26, Huffman.LENGTHS[255]);
    }

    @Test
    void theRfcStringsBothWays() {
        String[][] cases = {
            {"www.example.com", "f1e3c2e5f23a6ba0ab90f4ff"},
            {"no-cache", "a8eb10649cbf"},
            {"custom-key", "25a849e95ba97d7f"},
            {"custom-value", "25a849e95bb8e8b4bf"},
            {"302", "6402"},
            {"private", "aec3771a4b"},
            {"Mon, 21 Oct 2013 20:13:21 GMT", "d07abe941054d444a8200595040b8166e082a62d1bff"},
            {"https://www.example.com", "9d29ad171863c78f0b97c8e9ae82ae43d3"},
            {"gzip", "9bd9ab"},
            {"foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
                "94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007"},
        };
        for (String[] c : cases) {
            byte[] plain = c[0].getBytes(StandardCharsets.ISO_8859_1);
            ByteBuffer out = ByteBuffer.allocate(100);
            Huffman.encode(plain, plain.length, out);
            assertEquals(c[1], Fields.hexOf(out), c[0]);
            assertEquals(c[1].length() / 2, Huffman.encodedLength(plain, plain.length), c[0]);
            assertEquals(c[0], decode(hex(c[1])), c[1]);
        }
    }

    @Test
    void randomByteStringsRoundTrip() {
        Random random = new Random(7541L);
        for (int round = 0; round < 5_000; round++) {
            byte[] plain = new byte[random.nextInt(round % 10 == 0 ? 2_000 : 40)];
            // every byte value now and then, mostly text so that the short codes dominate as in real headers
            for (int i = 0; i < plain.length; i++) {
                plain[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256) : 0x20 + random.nextInt(0x5F));
            }
            ByteBuffer out = ByteBuffer.allocate(Huffman.encodedLength(plain, plain.length));
            Huffman.encode(plain, plain.length, out);
            assertEquals(0, out.remaining(), "encodedLength is exact");
            byte[] back = new byte[Huffman.maxDecodedLength(out.capacity())];
            int length = Huffman.decode(out, 0, out.capacity(), back);
            assertEquals(plain.length, length);
            assertArrayEquals(plain, Arrays.copyOf(back, length));
        }
    }

    @Test
    void aShortOutputIsFilledAndTheFullLengthCounted() {
        ByteBuffer coded = hex("f1e3c2e5f23a6ba0ab90f4ff");
        byte[] out = new byte[3];
        assertEquals(15, Huffman.decode(coded, 0, coded.limit(), out));
        assertEquals("www", new String(out, StandardCharsets.ISO_8859_1));
    }

    @Test
    void validPadding() {
        assertEquals("", decode(hex("")));
        assertEquals("a", decode(hex("1f")), "'a' is 00011, then three one bits");
        assertEquals("0", decode(hex("07")), "'0' is 00000, then three one bits");
    }

    @Test
    void eosInsideTheStringIsRejected() {
        assertEquals(Huffman.EOS_IN_STRING, decodeStatus("ffffffff"), "30 one bits are EOS");
        assertEquals(Huffman.EOS_IN_STRING, decodeStatus("1fffffffff"), "'a' then EOS then padding");
        assertEquals(Huffman.EOS_IN_STRING, decodeStatus("fffffffcff"), "EOS, then a code");
    }

    @Test
    void paddingLongerThanSevenBitsIsRejected() {
        assertEquals(Huffman.BAD_PADDING, decodeStatus("ff"), "8 one bits");
        assertEquals(Huffman.BAD_PADDING, decodeStatus("1fff"), "'a' then 11 one bits");
        assertEquals(Huffman.BAD_PADDING, decodeStatus("1fffffff"), "'a' then 27 one bits");
    }

    @Test
    void paddingThatIsNotAllOnesIsRejected() {
        assertEquals(Huffman.BAD_PADDING, decodeStatus("00"), "'0' then 000");
        assertEquals(Huffman.BAD_PADDING, decodeStatus("18"), "'a' then 000");
        assertEquals(Huffman.BAD_PADDING, decodeStatus("1e"), "'a' then 110");
        assertEquals(Huffman.BAD_PADDING, decodeStatus("f1e3c2e5f23a6ba0ab90f4fe"), "www.example.com, last bit 0");
    }

    private static String decode(ByteBuffer coded) {
        byte[] out = new byte[Huffman.maxDecodedLength(coded.limit())];
        int length = Huffman.decode(coded, 0, coded.limit(), out);
        if (length < 0) {
            throw new AssertionError("decoding failed: " + length);
        }
        return new String(out, 0, length, StandardCharsets.ISO_8859_1);
    }

    private static int decodeStatus(String hexString) {
        byte[] coded = HexFormat.of().parseHex(hexString);
        return Huffman.decode(ByteBuffer.wrap(coded), 0, coded.length, new byte[64]);
    }
}
