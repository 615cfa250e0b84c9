package dev.rsp.core.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** traceparent as the W3C Trace Context specification (Level 1) defines it, with its own examples. */
class TraceParentTest {

    static final String SAMPLED = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    static final String NOT_SAMPLED = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";

    @Test
    void theSpecificationsExamplesParse() {
        TraceParent p = TraceParent.parse(SAMPLED).orElseThrow();
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", p.traceId());
        assertEquals(0x00f067aa0ba902b7L, p.parentId());
        assertTrue(p.sampled());
        assertFalse(TraceParent.parse(NOT_SAMPLED).orElseThrow().sampled());
        assertTrue(TraceParent.parse("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01").isPresent());
    }

    @Test
    void theSampledFlagIsOneBitAmongOthers() {
        assertTrue(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09").orElseThrow().sampled());
        assertFalse(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-08").orElseThrow().sampled());
    }

    @Test
    void invalidValuesAreRefused() {
        for (String bad : new String[] {
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // version ff is forbidden
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // all-zero trace id
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // all-zero parent id
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // upper-case hex
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
                "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", // version 00 has four fields
                "00-4bf92f3577b34da6a3ce929d0e0e473-600f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
                "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
                "", "garbage"}) {
            assertEquals(Optional.empty(), TraceParent.parse(bad), bad);
        }
        assertEquals(Optional.empty(), TraceParent.parse(null));
    }

    @Test
    void aHigherVersionIsParsedLeniently() {
        TraceParent p = TraceParent.parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-will-be-like")
                .orElseThrow();
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", p.traceId());
        assertTrue(p.sampled());
        assertTrue(TraceParent.parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").isPresent());
        // its fourth field must end at the string's end or at a dash
        assertEquals(Optional.empty(),
                TraceParent.parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01.what-the-future-will-be-like"));
    }

    @Test
    void headersAreWrittenAsVersion00() {
        TraceParent p = TraceParent.parse(SAMPLED).orElseThrow();
        assertEquals("00-4bf92f3577b34da6a3ce929d0e0e4736-000000000000abcd-01",
                TraceParent.header(p.traceIdHigh(), p.traceIdLow(), 0xabcd, true));
        assertEquals("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
                TraceParent.header(p.traceIdHigh(), p.traceIdLow(), p.parentId(), false));
        String written = TraceParent.header(-1L, 1L, Long.MIN_VALUE, true);
        assertEquals(written, TraceParent.header(TraceParent.parse(written).orElseThrow().traceIdHigh(), 1L, Long.MIN_VALUE, true));
    }

    @Test
    void idsAreNeverZeroAndDoNotRepeat() {
        TraceIds ids = new TraceIds(42);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            long id = ids.next();
            assertTrue(id != 0);
            assertTrue(seen.add(id));
        }
    }

    @Test
    void samplingFollowsThePercentage() {
        TraceIds ids = new TraceIds(7);
        int sampled = 0;
        for (int i = 0; i < 100_000; i++) {
            sampled += ids.sample(10) ? 1 : 0;
        }
        assertTrue(sampled > 9_000 && sampled < 11_000, "sampled " + sampled + " of 100000 at 10%");
        assertTrue(ids.sample(100));
        assertFalse(ids.sample(0));
    }
}
