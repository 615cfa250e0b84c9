package dev.rsp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class UnitsTest {

    @Test
    void durationsInTheUnitsPeopleType() {
        assertEquals(OptionalLong.of(5_000), Units.millis("5s"));
        assertEquals(OptionalLong.of(500), Units.millis("500ms"));
        assertEquals(OptionalLong.of(500), Units.millis("500"));
        assertEquals(OptionalLong.of(60_000), Units.millis("1m"));
        assertEquals(OptionalLong.of(7_200_000), Units.millis(" 2 h "));
        assertEquals(OptionalLong.of(10_000), Units.millis("10_000"));
        assertEquals(OptionalLong.of(30_000), Units.millis("30S"));
    }

    @Test
    void sizesInTheUnitsPeopleType() {
        assertEquals(OptionalLong.of(16_384), Units.bytes("16k"));
        assertEquals(OptionalLong.of(16_384), Units.bytes("16KiB"));
        assertEquals(OptionalLong.of(1 << 20), Units.bytes("1m"));
        assertEquals(OptionalLong.of(1 << 20), Units.bytes("1 MB"));
        assertEquals(OptionalLong.of(4096), Units.bytes("4096"));
        assertEquals(OptionalLong.of(1L << 30), Units.bytes("1g"));
    }

    @Test
    void anythingElseIsRefused() {
        for (String bad : new String[] {"", " ", "5x", "s", "-5", "5.5s", "1e3", "5 s s", "_5", "5_", "99999999999999999999",
                "9223372036854775807h", "16q", "0x10"}) {
            assertTrue(Units.millis(bad).isEmpty(), bad);
            assertTrue(Units.bytes(bad).isEmpty(), bad);
        }
        assertTrue(Units.millis("16k").isEmpty());
        assertTrue(Units.bytes("5s").isEmpty());
        assertTrue(Units.whole("5s").isEmpty());
        assertEquals(OptionalLong.of(3), Units.whole("3"));
    }
}
