package dev.rsp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaTest {

    /** A configuration type like the components' own. */
    @interface Sample {
        String http_listen() default "0.0.0.0:8080";

        int buffer_size() default 16384;

        long timeout_backend_ms() default 60_000;

        int backend_tries() default 3;

        boolean selfsigned_default() default false;

        String routing_chain() default "a, b";
    }

    static final Schema SAMPLE = Schema.fromAnnotation("rsp.sample", Sample.class);

    @Test
    void kindsFollowTypeAndName() {
        assertEquals(Map.of("http.listen", Schema.Kind.ADDRESS, "buffer.size", Schema.Kind.SIZE,
                "timeout.backend.ms", Schema.Kind.DURATION, "backend.tries", Schema.Kind.INTEGER,
                "selfsigned.default", Schema.Kind.BOOLEAN, "routing.chain", Schema.Kind.TEXT), SAMPLE.kinds());
    }

    @Test
    void unitsAreConvertedAndAbsentKeysTakeTheirDefault() {
        // What ConfigAdmin, FileInstall and DS add (DS 1.5's satisfying condition, a component's own properties) is
        // not the operator's: no warning for it.
        Reading r = SAMPLE.read(Map.of("timeout.backend.ms", "5s", "buffer.size", "16k", "service.pid", "rsp.sample",
                "felix.fileinstall.filename", "file:/x/rsp.sample.cfg", "osgi.ds.satisfying.condition.target",
                "(osgi.condition.id=true)", "rsp.strategy.name", "host-hash", "component.name", "x"));
        assertTrue(r.valid(), r.errors().toString());
        assertEquals(List.of(), r.warnings());
        Sample s = r.as(Sample.class);
        assertEquals(5_000, s.timeout_backend_ms());
        assertEquals(16_384, s.buffer_size());
        assertEquals(3, s.backend_tries());
        assertEquals("0.0.0.0:8080", s.http_listen());
    }

    @Test
    void everyBadValueIsOneLineNamingPidKeyValueAndForm() {
        Reading r = SAMPLE.read(Map.of("timeout.backend.ms", "5x", "buffer.size", "3g", "backend.tries", "three",
                "http.listen", "127.0.0.1:99999", "selfsigned.default", "yes"));
        assertFalse(r.valid());
        assertEquals(List.of(
                "rsp.sample: backend.tries = 'three': expected a whole number",
                "rsp.sample: buffer.size = '3g': expected " + Units.SIZE_FORM + " up to 2147483647",
                "rsp.sample: http.listen = '127.0.0.1:99999': port 99999 out of range (0-65535)",
                "rsp.sample: selfsigned.default = 'yes': expected true or false",
                "rsp.sample: timeout.backend.ms = '5x': expected " + Units.DURATION_FORM), r.errors());
    }

    @Test
    void addresses() {
        for (String good : new String[] {"0.0.0.0:8080", "[::]:8443", "localhost:0", "rsp-1.example.com:65535"}) {
            assertTrue(SAMPLE.read(Map.of("http.listen", good)).valid(), good);
        }
        for (String bad : new String[] {"8080", ":8080", "127.0.0.1:", "127.0.0.1:-1", "127.0.0.1:65536", "::1:80",
                "host name:80", "127.0.0.1:http"}) {
            assertFalse(SAMPLE.read(Map.of("http.listen", bad)).valid(), bad);
        }
    }

    @Test
    void anUnknownKeyIsWarnedWithTheNearestKnownOne() {
        Reading r = SAMPLE.read(Map.of("timeout.backnd.ms", "3", "bufer.size", "1"));
        assertTrue(r.valid());
        assertEquals(List.of(
                "rsp.sample: unknown key 'bufer.size' (did you mean 'buffer.size'?); it is ignored",
                "rsp.sample: unknown key 'timeout.backnd.ms' (did you mean 'timeout.backend.ms'?); it is ignored"),
                r.warnings());
        assertEquals(1, Nearest.distance("routing.chian", "routing.chain"));
    }

    @Test
    void prefixedKeysAreTheOwnersAndNeverUnknown() {
        Schema backends = Schema.of("rsp.backends").key("backends.empty", Schema.Kind.TEXT, false).prefix("backend.");
        Reading r = backends.read(Map.of("backend.a", "127.0.0.1:1", "backend.b", "whatever", "backends.emtpy", "allow"));
        assertEquals(List.of("rsp.backends: unknown key 'backends.emtpy' (did you mean 'backends.empty'?); it is ignored"),
                r.warnings());
        assertEquals("whatever", r.values().get("backend.b"));
    }

    @Test
    void aKeyMissingFromARunningConfigurationKeepsItsRunningValue() {
        RunningValues running = new RunningValues(SAMPLE.prefix("backend."));
        List<String> warnings = new ArrayList<>();
        Map<String, Object> first = running.carry(Map.of("routing.chain", "b", "backend.x", "h:1"), warnings);
        running.applied(first);
        assertEquals(List.of(), warnings);
        Map<String, Object> next = running.carry(Map.of("backend.y", "h:2"), warnings);
        assertEquals(Map.of("routing.chain", "b", "backend.y", "h:2"), next);
        assertEquals(List.of("rsp.sample: routing.chain is no longer set; keeping its running value 'b' until rsp "
                + "restarts (set it to change it)"), warnings);
    }
}
