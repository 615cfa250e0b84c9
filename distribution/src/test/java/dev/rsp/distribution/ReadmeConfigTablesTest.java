package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rsp.core.metatype.ConfigKey;
import dev.rsp.core.metatype.PidKeys;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReadmeConfigTablesTest {

    static final Map<String, PidKeys> PIDS = Map.of(
            "rsp.x", new PidKeys("rsp.x", false, "x", "", List.of(
                    new ConfigKey("timeout.ms", "Long", false, List.of("5000"), "", "", List.of(), ""),
                    new ConfigKey("limit.bytes", "Long", false, List.of("1073741824"), "", "", List.of(), ""),
                    new ConfigKey("name", "String", false, List.of(""), "", "", List.of(), ""))),
            "rsp.y", new PidKeys("rsp.y", false, "y", "", List.of(
                    new ConfigKey("timeout.ms", "Long", false, List.of("2000"), "", "", List.of(), ""))));

    static final String README = """
            ## X (`etc/rsp.x.cfg`, PID `rsp.x`)

            | key | default | meaning |
            |---|---|---|
            | `timeout.ms` / `limit.bytes` | `5s` / `1g` | units compare as numbers |
            | `name` | (empty) | an empty default |
            | `dns.*` | see below | a pattern: left out |

            ## Y

            | key (`rsp.y`) | default | meaning |
            |---|---|---|
            | `timeout.ms` | `2000` | the same key, another PID |
            """;

    @Test
    void tablesThatAgreeHaveNoProblem() {
        assertEquals(List.of(), ReadmeConfigTables.problems(README, PIDS));
    }

    @Test
    void aWrongDefaultAMissingKeyAndAnUnknownKeyAreEachNamed() {
        String readme = README.replace("`5s` / `1g`", "`5s` / `2g`").replace("| `name` | (empty) | an empty default |\n", "")
                .replace("| `timeout.ms` | `2000` |", "| `timeout.ms` | `2000` |\n| `tiemout.ms` | `1` | a typo |");
        List<String> problems = ReadmeConfigTables.problems(readme, PIDS);
        assertEquals(3, problems.size(), problems.toString());
        assertEquals("README.md:5: `limit.bytes` default '`2g`', the metatype says '1073741824'", problems.get(0));
        assertEquals("README.md:13: `tiemout.ms` is no key of [rsp.y]", problems.get(1));
        assertEquals("rsp.x: `name` is in no README table of its PID; a row: | `name` | (empty) |  |", problems.get(2));
    }
}
