package dev.rsp.core.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tracing.* keys: what each accepts, and one clear line for what it does not. */
class TraceSettingsTest {

    private static TraceSettings read(String start, String endpoint, List<String> errors) {
        return TraceSettings.from(start, endpoint, 2048, 512, 1000, 10_000, 3, "rsp", "", errors);
    }

    @Test
    void startTakesNeverAlwaysOrAPercentage() {
        List<String> errors = new ArrayList<>();
        assertFalse(read("never", "", errors).starts());
        assertEquals(100, read("Always", "", errors).startPercent());
        assertEquals(12.5, read(" 12.5% ", "", errors).startPercent());
        assertEquals(0, read("0%", "", errors).startPercent());
        assertEquals(List.of(), errors);
        for (String bad : new String[] {"sometimes", "101%", "-1%", "10", "%"}) {
            List<String> e = new ArrayList<>();
            read(bad, "", e);
            assertEquals(1, e.size(), bad);
            assertTrue(e.get(0).startsWith("tracing.start must be never, always or a percentage"), e.get(0));
        }
    }

    @Test
    void theEndpointIsAnHttpUrlOrNothing() {
        List<String> errors = new ArrayList<>();
        assertFalse(read("never", "", errors).exports());
        assertTrue(read("never", "http://127.0.0.1:4318/v1/traces", errors).exports());
        assertTrue(read("never", "https://collector.example/v1/traces", errors).exports());
        assertEquals(List.of(), errors);
        for (String bad : new String[] {"127.0.0.1:4318", "ftp://x/y", "http://", "http://x/v1/traces?a=b"}) {
            List<String> e = new ArrayList<>();
            read("never", bad, e);
            assertEquals(1, e.size(), bad);
            assertTrue(e.get(0).startsWith("tracing.otlp.endpoint must be an http or https URL"), e.get(0));
        }
    }

    @Test
    void limitsAreChecked() {
        List<String> errors = new ArrayList<>();
        TraceSettings.from("never", "", 10, 20, 5, 50, 0, " ", "", errors);
        assertEquals(5, errors.size(), errors.toString());
    }

    @Test
    void headersAreNameValuePairsAndRefusalsDoNotShowTheValue() {
        List<String> errors = new ArrayList<>();
        assertEquals(java.util.Map.of("x-api-key", "s3cr=t,1", "Authorization", "Bearer a+b"),
                TraceSettings.headers(" x-api-key = s3cr%3Dt%2C1 , Authorization=Bearer a+b", errors));
        assertEquals(List.of(), errors);
        TraceSettings.headers("Host=secret-1, bad name=secret-2, empty=, novalue", errors);
        assertEquals(4, errors.size(), errors.toString());
        assertTrue(errors.stream().noneMatch(e -> e.contains("secret")), errors.toString());
    }
}
