package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The declared counters: names that are unique and well-formed, every one documented in the README's table (so a
 * counter cannot be added without it), no name typed as a literal at a producer, and {@link ProxyCounters} showing
 * each from the start and merging a declared name counted as a string into its declared counter.
 */
class CounterTest {

    static final Pattern DOTTED = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");
    static final String TABLE_START = "<!-- counters: generated from dev.rsp.core.proxy.Counter, checked by CounterTest -->";
    static final String TABLE_END = "<!-- /counters -->";

    @Test
    void namesAreUniqueDottedLowerCaseWithOneLineOfHelp() {
        Set<String> seen = new HashSet<>();
        for (Counter c : Counter.values()) {
            assertTrue(seen.add(c.id()), "declared twice: " + c.id());
            assertTrue(DOTTED.matcher(c.id()).matches(), "not dotted lower case: " + c.id());
            assertFalse(c.help().isBlank() || c.help().contains("\n") || c.help().contains("|"), c + ": " + c.help());
            assertEquals(c, Counter.forId(c.id()).orElseThrow());
        }
        assertTrue(Counter.forId("reject.cl_and_te").isEmpty(), "a defect's counter is not declared here");
    }

    /** On failure, the message holds the table to paste into README.md. */
    @Test
    void theReadmeTableListsEveryDeclaredCounter() throws IOException {
        Path readme = Path.of(System.getProperty("basedir", ".")).resolve("../../README.md").normalize();
        assertTrue(Files.isRegularFile(readme), "no README at " + readme.toAbsolutePath());
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int start = text.indexOf(TABLE_START);
        int end = text.indexOf(TABLE_END);
        assertTrue(start >= 0 && end > start, "README.md has no counter table between " + TABLE_START + " and " + TABLE_END);
        String expected = table();
        assertEquals(expected, text.substring(start + TABLE_START.length() + 1, end),
                "README.md's counter table differs from the declared counters; the table is:\n" + expected);
    }

    static String table() {
        StringBuilder t = new StringBuilder("| event | one count is |\n|---|---|\n");
        for (Counter c : Counter.values()) {
            t.append("| `").append(c.id()).append("` | ").append(c.help()).append(" |\n");
        }
        return t.toString();
    }

    /** Producers name their counter by constant; a string reaches {@code count} only from a Rejection or a TLS front. */
    @Test
    void noProducerTypesACounterName() throws IOException {
        Path main = Path.of(System.getProperty("basedir", ".")).resolve("src/main/java");
        Pattern literal = Pattern.compile("count\\(\\s*\"");
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(main)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    if (literal.matcher(lines.get(i)).find()) {
                        offenders.add(main.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).trim());
                    }
                }
            }
        }
        assertEquals(List.of(), offenders, "declare the counter in Counter and count the constant");
    }

    @Test
    void everyDeclaredCounterShowsFromTheStartAndOneNameIsOneCounter() {
        ProxyCounters counters = new ProxyCounters();
        Map<String, Long> before = counters.named();
        for (Counter c : Counter.values()) {
            assertEquals(0L, before.get(c.id()), c.id());
        }
        assertEquals(Counter.values().length, before.size(), "nothing but the declared counters before any count");

        counters.count(Counter.BACKEND_HEAD_TOO_LARGE);
        counters.count("backend.head_too_large"); // as a parser's Rejection names it
        counters.count("tls.reject.not_tls"); // as a TLS front names it
        assertEquals(2, counters.get(Counter.BACKEND_HEAD_TOO_LARGE));
        assertEquals(2, counters.get("backend.head_too_large"));
        assertEquals(1, counters.get("tls.reject.not_tls"));
        assertEquals(0, counters.get("tls.reject.bad_record"));
        Map<String, Long> after = counters.named();
        assertEquals(2L, after.get("backend.head_too_large"));
        assertEquals(1L, after.get("tls.reject.not_tls"));
        assertEquals(Counter.values().length + 1, after.size());
    }
}
