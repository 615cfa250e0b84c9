package dev.rsp.core.proxyprotocol;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.http.ParseStatus;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutated valid headers and random bytes, split at random points, in a window with readable bytes beyond its limit:
 * the parser never throws (an absolute read past the limit would), never moves the window, reaches the same outcome
 * however the bytes are split, and a DONE header never claims more bytes than were visible.
 */
class ProxyHeaderFuzzTest {
    private static final long SEED = 0x5EED_22_04L;
    private static final int CASES = 30_000;

    @Test
    void neverThrowsAndSplitsDoNotMatter() throws Exception {
        Random rnd = new Random(SEED);
        byte[][] seeds = seeds();
        Map<ParseStatus, Integer> outcomes = new EnumMap<>(ParseStatus.class);
        for (int c = 0; c < CASES; c++) {
            byte[] input = mutate(rnd, seeds[rnd.nextInt(seeds.length)]);
            ProxyHeaderMode mode = ProxyHeaderMode.values()[rnd.nextInt(3)];
            int cap = ProxyHeaderParser.MIN_MAX_V2_LENGTH + rnd.nextInt(300);
            ProxyHeaderParser whole = new ProxyHeaderParser(mode, cap);
            ParseStatus expected = whole.parse(window(input, 5, input.length));
            outcomes.merge(expected, 1, Integer::sum);

            ProxyHeaderParser split = new ProxyHeaderParser(mode, cap);
            ByteBuffer buf = window(input, 5, 0);
            ParseStatus s = ParseStatus.NEED_MORE;
            int visible = 0;
            while (s == ParseStatus.NEED_MORE && visible < input.length) {
                visible = Math.min(input.length, visible + 1 + rnd.nextInt(20));
                buf.limit(5 + visible);
                s = split.parse(buf);
                assertEquals(5, buf.position());
                assertEquals(5 + visible, buf.limit());
                if (s == ParseStatus.NEED_MORE) {
                    assertTrue(split.needed() > visible);
                }
            }
            String what = "case " + c + ": " + Arrays.toString(input);
            assertEquals(expected, s, what);
            assertEquals(whole.rejection(), split.rejection(), what);
            assertEquals(whole.header(), split.header(), what);
            if (s == ParseStatus.DONE) {
                assertTrue(split.header().length() <= input.length, what);
            }
        }
        // The mutations must exercise all three outcomes, or the test proves little.
        for (ParseStatus st : ParseStatus.values()) {
            assertTrue(outcomes.getOrDefault(st, 0) > CASES / 50, outcomes.toString());
        }
    }

    private static byte[][] seeds() throws Exception {
        return new byte[][] {
            "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n".getBytes(US_ASCII),
            "PROXY TCP6 2001:db8::1 ::ffff:1.2.3.4 1 65535\r\n".getBytes(US_ASCII),
            "PROXY UNKNOWN\r\n".getBytes(US_ASCII),
            new V2Bytes().inet("10.0.0.1", 1, "10.0.0.2", 2).build(),
            new V2Bytes().inet("2001:db8::1", 1, "::1", 2).tlv(0x02, "h.test".getBytes(US_ASCII)).crc32c(0).build(),
            new V2Bytes().versionCommand(0x20).family(0).build(),
            new V2Bytes().inet("10.0.0.1", 1, "10.0.0.2", 2).tlv(0x20, new byte[40]).crc32c(0).build(),
        };
    }

    private static byte[] mutate(Random rnd, byte[] seed) {
        byte[] b = seed.clone();
        switch (rnd.nextInt(6)) {
            case 0 -> { } // unchanged
            case 1 -> b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            case 2 -> b = Arrays.copyOf(b, rnd.nextInt(b.length + 1));
            case 3 -> {
                b = Arrays.copyOf(b, b.length + 1 + rnd.nextInt(120));
                for (int i = seed.length; i < b.length; i++) {
                    b[i] = (byte) rnd.nextInt(256);
                }
            }
            case 4 -> {
                for (int k = 0; k < 3; k++) {
                    b[rnd.nextInt(b.length)] = (byte) (" .:0123456789abcdef\r\n".charAt(rnd.nextInt(21)));
                }
            }
            default -> {
                b = new byte[rnd.nextInt(200)];
                rnd.nextBytes(b);
                if (b.length > 1 && rnd.nextBoolean()) {
                    System.arraycopy(seed, 0, b, 0, Math.min(b.length, seed.length < 13 ? 6 : 13));
                }
            }
        }
        return b;
    }

    /** {@code input} at {@code offset}, limit after {@code visible} bytes, random-looking bytes beyond the limit. */
    private static ByteBuffer window(byte[] input, int offset, int visible) {
        byte[] all = new byte[offset + input.length + 64];
        Arrays.fill(all, (byte) '\n');
        System.arraycopy(input, 0, all, offset, input.length);
        return ByteBuffer.wrap(all).position(offset).limit(offset + visible);
    }
}
