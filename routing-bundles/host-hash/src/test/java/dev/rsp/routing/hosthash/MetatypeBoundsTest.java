package dev.rsp.routing.hosthash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The min and max in the generated metatype (bin/rsp config, the web console) are what the strategy accepts. */
class MetatypeBoundsTest {

    @Test
    void boundsAreAcceptedAndOneBeyondIsRefused() throws Exception {
        String xml = Files.readString(Path.of(System.getProperty("basedir", "."))
                .resolve("target/classes/OSGI-INF/metatype/dev.rsp.routing.hosthash.HostHashConfig.xml"));
        Map<String, long[]> bounds = new LinkedHashMap<>();
        Matcher m = Pattern.compile("<AD id=\"([a-z.]+)\"[^>]*? min=\"(\\d+)\" max=\"(\\d+)\"").matcher(xml);
        while (m.find()) {
            bounds.put(m.group(1), new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3))});
        }
        assertEquals(List.of("candidates", "cache.size"), List.copyOf(bounds.keySet()), xml);
        bounds.forEach((key, b) -> {
            assertEquals(List.of(), problems(key, b[0]), key + " = its min");
            assertEquals(List.of(), problems(key, b[1]), key + " = its max");
            assertFalse(problems(key, b[0] - 1).isEmpty(), key + " below its min");
            assertFalse(problems(key, b[1] + 1).isEmpty(), key + " above its max");
        });
    }

    private static List<String> problems(String key, long value) {
        return HostHashStrategy.check(HostHashStrategy.SCHEMA.read(Map.of(key, String.valueOf(value))));
    }
}
