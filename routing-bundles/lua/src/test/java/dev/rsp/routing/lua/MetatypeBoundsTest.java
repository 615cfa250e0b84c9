package dev.rsp.routing.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The budgets' min and max in the metatype bnd generated (what bin/rsp config and the web console show) are Budget's. */
class MetatypeBoundsTest {

    @Test
    void budgetBoundsAreAcceptedAndOneBeyondIsRefused() throws Exception {
        String xml = Files.readString(Path.of(System.getProperty("basedir", "."))
                .resolve("target/classes/OSGI-INF/metatype/dev.rsp.routing.lua.LuaConfig.xml"));
        Map<String, long[]> bounds = new LinkedHashMap<>();
        Matcher m = Pattern.compile("<AD id=\"(budget\\.[a-z.]+)\"[^>]*? min=\"(\\d+)\" max=\"(\\d+)\"").matcher(xml);
        while (m.find()) {
            bounds.put(m.group(1), new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3))});
        }
        assertEquals(java.util.Set.of("budget.instructions", "budget.bytes", "budget.depth", "budget.pattern.steps",
                "budget.pattern.length"), bounds.keySet(), xml);
        bounds.forEach((key, b) -> {
            assertNull(with(key, b[0]).problem(), key + " = its min");
            assertNull(with(key, b[1]).problem(), key + " = its max");
            assertNotNull(with(key, b[0] - 1).problem(), key + " below its min");
            assertNotNull(with(key, b[1] + 1).problem(), key + " above its max");
        });
    }

    private static Budget with(String key, long v) {
        Budget d = new Budget(Budget.DEFAULT_INSTRUCTIONS, Budget.DEFAULT_BYTES, Budget.DEFAULT_DEPTH,
                Budget.DEFAULT_PATTERN_STEPS, Budget.DEFAULT_PATTERN_LENGTH);
        return switch (key) {
            case "budget.instructions" -> new Budget(v, d.bytes(), d.depth(), d.patternSteps(), d.patternLength());
            case "budget.bytes" -> new Budget(d.instructions(), v, d.depth(), d.patternSteps(), d.patternLength());
            case "budget.depth" -> new Budget(d.instructions(), d.bytes(), (int) v, d.patternSteps(), d.patternLength());
            case "budget.pattern.steps" -> new Budget(d.instructions(), d.bytes(), d.depth(), v, d.patternLength());
            default -> new Budget(d.instructions(), d.bytes(), d.depth(), d.patternSteps(), (int) v);
        };
    }
}
