package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FieldStringsTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aRepeatedFieldIsTheSameStringAndOnlyTheGivenLengthCounts() {
        FieldStrings strings = new FieldStrings();
        String first = strings.of(bytes("user-agent"), 10);
        assertEquals("user-agent", first);
        assertSame(first, strings.of(bytes("user-agentXYZ"), 10));
        assertEquals("user", strings.of(bytes("user-agent"), 4));
    }

    @Test
    void fieldsSharingASlotGiveTheirOwnText() {
        FieldStrings strings = new FieldStrings();
        for (int i = 0; i < 4 * FieldStrings.SLOTS; i++) {
            String v = "/path/" + i;
            assertEquals(v, strings.of(bytes(v), v.length()));
        }
        for (int i = 0; i < 4 * FieldStrings.SLOTS; i++) {
            String v = "/path/" + i;
            assertEquals(v, strings.of(bytes(v), v.length()));
        }
    }

    @Test
    void bytesAboveAsciiAndLongValuesComeBackAsLatin1() {
        FieldStrings strings = new FieldStrings();
        byte[] high = {(byte) 0xe9, 'a', (byte) 0xff};
        assertEquals("\u00e9a\u00ff", strings.of(high, 3));
        assertEquals("\u00e9a\u00ff", strings.of(high, 3));
        String longValue = "v".repeat(FieldStrings.MAX_LENGTH + 1);
        assertEquals(longValue, strings.of(bytes(longValue), longValue.length()));
        assertEquals(longValue, strings.of(bytes(longValue), longValue.length()));
    }
}
