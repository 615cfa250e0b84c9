package dev.rsp.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The word-at-a-time skips agree with testing the byte class one byte at a time, for every byte value. */
class CharClassTest {

    @Test
    void skipsAgreeWithTheByteClasses() {
        Random random = new Random(31L);
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = new byte[1 + random.nextInt(40)];
            for (int i = 0; i < bytes.length; i++) {
                // mostly allowed bytes, so that runs are long; any of the 256 values now and then
                bytes[i] = (byte) (random.nextInt(8) == 0 ? random.nextInt(256) : 0x20 + random.nextInt(0x5F));
            }
            ByteBuffer buf = random.nextBoolean() ? ByteBuffer.wrap(bytes)
                    : ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
            int from = random.nextInt(bytes.length + 1);
            int end = from + random.nextInt(bytes.length - from + 1);
            int value = from;
            while (value < end && CharClass.valueByte(bytes[value] & 0xFF)) {
                value++;
            }
            int target = from;
            while (target < end && CharClass.targetByte(bytes[target] & 0xFF)) {
                target++;
            }
            assertEquals(value, CharClass.skipValueBytes(buf, from, end));
            assertEquals(target, CharClass.skipTargetBytes(buf, from, end));
        }
    }

    @Test
    void everyByteValueInEveryPositionOfAWord() {
        for (int b = 0; b < 256; b++) {
            for (int at = 0; at < 16; at++) {
                byte[] bytes = new byte[16];
                java.util.Arrays.fill(bytes, (byte) 'a');
                bytes[at] = (byte) b;
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                assertEquals(CharClass.valueByte(b) ? 16 : at, CharClass.skipValueBytes(buf, 0, 16), "byte " + b);
                assertEquals(CharClass.targetByte(b) ? 16 : at, CharClass.skipTargetBytes(buf, 0, 16), "byte " + b);
            }
        }
    }
}
