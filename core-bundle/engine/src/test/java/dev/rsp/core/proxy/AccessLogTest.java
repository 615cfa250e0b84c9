package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The three access log formats, for fixed entries in a fixed zone. */
class AccessLogTest {

    static final ZoneId ZONE = ZoneId.of("+01:00");
    /** 2026-12-07T01:02:03.456Z */
    static final long WHEN = 1_796_605_323_456L;

    static AccessLog.Entry entry(String userAgent, String error) {
        return new AccessLog.Entry(WHEN, "10.0.0.7", "https", "GET", "/a?b=1", "HTTP/1.1", "alice.example.com", 200, 12,
                3456, userAgent, "https://ref.example/", "demo-1", "host-hash", 250, 1500, 2750, false, error);
    }

    @Test
    void text() {
        assertEquals("2026-12-07T02:02:03.456+01:00 10.0.0.7 https alice.example.com GET /a?b=1 HTTP/1.1 200 12 3456 demo-1"
                + " host-hash 0.25/1.50/2.75ms \"curl/8 \\\"x\\\"\" \"https://ref.example/\"",
                AccessLog.line(AccessLog.Format.TEXT, entry("curl/8 \"x\"", ""), ZONE));
    }

    @Test
    void textOfAnAnswerRspGaveItself() {
        AccessLog.Entry e = new AccessLog.Entry(WHEN, "10.0.0.7", "http", "GET", "/", "HTTP/1.1", "x.example", 502, 0, 0,
                "", "", "app", "host-hash", -1, -1, 5000, false, "no backend reachable for x.example (tried app)");
        assertEquals("2026-12-07T02:02:03.456+01:00 10.0.0.7 http x.example GET / HTTP/1.1 502 0 0 app host-hash -/-/5.00ms"
                + " \"-\" \"-\" error=\"no backend reachable for x.example (tried app)\"",
                AccessLog.line(AccessLog.Format.TEXT, e, ZONE));
    }

    @Test
    void millisAreWhatPercentTwoFWrites() {
        for (long micros = 0; micros < 200_000; micros++) {
            assertMillis(micros);
        }
        for (long micros : new long[] {999_995, 1_000_004, 1_000_005, 123_456_789, 86_400_000_000L}) {
            assertMillis(micros);
        }
        assertEquals("-", AccessLog.millis(new StringBuilder(), -1).toString());
    }

    private static void assertMillis(long micros) {
        assertEquals(String.format(Locale.ROOT, "%.2f", micros / 1000.0), AccessLog.millis(new StringBuilder(), micros).toString(),
                () -> micros + " us");
    }

    @Test
    void combinedIsWhatApacheAndNginxWrite() {
        assertEquals("10.0.0.7 - - [07/Dec/2026:02:02:03 +0100] \"GET /a?b=1 HTTP/1.1\" 200 3456 \"https://ref.example/\" \"curl/8\"",
                AccessLog.line(AccessLog.Format.COMBINED, entry("curl/8", ""), ZONE));
    }

    @Test
    void jsonHasNamedFieldsAndNullsForWhatIsUnknown() {
        assertEquals("{\"time\":\"2026-12-07T02:02:03.456+01:00\",\"client\":\"10.0.0.7\",\"scheme\":\"https\","
                + "\"host\":\"alice.example.com\",\"method\":\"GET\",\"target\":\"/a?b=1\",\"version\":\"HTTP/1.1\","
                + "\"status\":200,\"request_bytes\":12,\"response_bytes\":3456,\"user_agent\":null,"
                + "\"referer\":\"https://ref.example/\",\"backend\":\"demo-1\",\"strategy\":\"host-hash\",\"connect_ms\":0.25,"
                + "\"first_byte_ms\":1.5,\"duration_ms\":2.75,\"tunnel\":false,\"error\":null,\"trace_id\":null}",
                AccessLog.line(AccessLog.Format.JSON, entry("", ""), ZONE));
    }

    @Test
    void theTraceIdIsInEveryFormatWhenThereIsOne() {
        AccessLog.Entry e = new AccessLog.Entry(WHEN, "10.0.0.7", "http", "GET", "/", "HTTP/1.1", "x.example", 502, 0, 0,
                "curl/8", "", "app", "host-hash", -1, -1, 5000, false, "boom", "4bf92f3577b34da6a3ce929d0e0e4736");
        assertEquals("2026-12-07T02:02:03.456+01:00 10.0.0.7 http x.example GET / HTTP/1.1 502 0 0 app host-hash -/-/5.00ms"
                + " \"curl/8\" \"-\" trace=4bf92f3577b34da6a3ce929d0e0e4736 error=\"boom\"",
                AccessLog.line(AccessLog.Format.TEXT, e, ZONE));
        assertEquals("10.0.0.7 - - [07/Dec/2026:02:02:03 +0100] \"GET / HTTP/1.1\" 502 - \"-\" \"curl/8\""
                + " trace=4bf92f3577b34da6a3ce929d0e0e4736", AccessLog.line(AccessLog.Format.COMBINED, e, ZONE));
        assertTrue(AccessLog.line(AccessLog.Format.JSON, e, ZONE).endsWith(",\"error\":\"boom\",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\"}"));
    }

    @Test
    void formatsAreParsedByName() {
        assertEquals(AccessLog.Format.COMBINED, AccessLog.Format.parse(" Combined "));
        assertNull(AccessLog.Format.parse("apache"));
    }
}
