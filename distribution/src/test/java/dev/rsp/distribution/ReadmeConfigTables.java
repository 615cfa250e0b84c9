package dev.rsp.distribution;

import dev.rsp.config.Units;
import dev.rsp.core.metatype.ConfigKey;
import dev.rsp.core.metatype.PidKeys;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * README.md's configuration-key tables (a header row {@code | key ... | default | ...}) compared with the metatype of
 * the rsp PIDs. A table belongs to the PIDs its key header names ({@code key (`rsp.tls`)}), else those its heading
 * names, else those named in its section before it. The comparison finds: a metatype key that no table of its PID
 * lists, a row whose default is not the metatype's, a row naming a key none of its PIDs has. Keys written as
 * patterns ({@code dns.*}, {@code rule.<name>}) and tables about {@code <configPid>} (the archetype) are left out.
 */
final class ReadmeConfigTables {

    private static final Pattern PID = Pattern.compile("\\brsp\\.(?:routing\\.)?[a-z]+\\b");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    /** One key of one table row, with the PIDs the table belongs to and the README line. */
    record Row(int line, Set<String> pids, String key, String defaultCell) {
    }

    private ReadmeConfigTables() {
    }

    static List<Row> rows(String readme) {
        String[] lines = readme.split("\n", -1);
        List<Row> rows = new ArrayList<>();
        int heading = 0;
        boolean fenced = false;
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (l.startsWith("```")) {
                fenced = !fenced;
            }
            if (fenced) {
                continue;
            }
            if (l.startsWith("#")) {
                heading = i;
                continue;
            }
            String[] header = cells(l);
            if (!l.startsWith("| key") || header.length < 3 || !header[1].contains("default")) {
                continue;
            }
            String context = String.join("\n", java.util.Arrays.asList(lines).subList(heading, i));
            if (context.contains("<configPid>")) {
                continue;
            }
            Set<String> pids = pids(header[0]);
            if (pids.isEmpty()) {
                pids = pids(lines[heading]);
            }
            if (pids.isEmpty()) {
                pids = pids(context);
            }
            for (int r = i + 2; r < lines.length && lines[r].startsWith("|"); r++) {
                String[] c = cells(lines[r]);
                List<String> keys = new ArrayList<>();
                Matcher m = CODE.matcher(c[0]);
                while (m.find()) {
                    keys.add(m.group(1));
                }
                String[] defaults = c.length > 1 ? c[1].split(" / ") : new String[] {""};
                for (int k = 0; k < keys.size(); k++) {
                    String key = keys.get(k);
                    if (key.contains("*") || key.contains("<") || key.contains(" ")) {
                        continue;
                    }
                    rows.add(new Row(r + 1, pids, key, defaults.length == keys.size() ? defaults[k].strip() : c[1].strip()));
                }
            }
        }
        return rows;
    }

    /** The disagreements between the tables and {@code pids} (rsp's PIDs only), one line each; empty when none. */
    static List<String> problems(String readme, Map<String, PidKeys> pids) {
        List<Row> rows = rows(readme);
        List<String> problems = new ArrayList<>();
        for (Row row : rows) {
            List<ConfigKey> candidates = row.pids().stream().filter(pids::containsKey)
                    .flatMap(p -> pids.get(p).keys().stream()).filter(k -> k.id().equals(row.key())).toList();
            if (candidates.isEmpty()) {
                problems.add("README.md:" + row.line() + ": `" + row.key() + "` is no key of " + row.pids());
            } else if (candidates.stream().noneMatch(k -> sameDefault(k, row.defaultCell()))) {
                problems.add("README.md:" + row.line() + ": `" + row.key() + "` default '" + row.defaultCell()
                        + "', the metatype says '" + candidates.get(0).defaultText() + "'");
            }
        }
        for (PidKeys p : pids.values()) {
            if (!p.pid().startsWith("rsp.")) {
                continue;
            }
            for (ConfigKey k : p.keys()) {
                if (rows.stream().noneMatch(r -> r.key().equals(k.id()) && r.pids().contains(p.pid()))) {
                    problems.add(p.pid() + ": `" + k.id() + "` is in no README table of its PID; a row: | `" + k.id() + "` | "
                            + (k.defaultText().isEmpty() ? "(empty)" : "`" + k.defaultText() + "`") + " | "
                            + k.description() + " |");
                }
            }
        }
        return problems;
    }

    /**
     * Whether a README default cell says the metatype default: the first code span, else the first word; a cell
     * starting with a parenthesis, "empty" or "none" stands for an empty default; numbers compare as durations
     * (keys ending in .ms) or sizes, so {@code 5s} is 5000 and {@code 1g} is 1073741824.
     */
    static boolean sameDefault(ConfigKey key, String cell) {
        String expected = key.defaultText();
        Matcher m = CODE.matcher(cell);
        String said;
        if (cell.startsWith("`") && m.find()) {
            said = m.group(1);
        } else {
            String plain = cell.replace("*", "").toLowerCase(java.util.Locale.ROOT);
            if (plain.startsWith("(") || plain.startsWith("empty") || plain.startsWith("none")) {
                return expected.isEmpty();
            }
            said = cell.split("\\s+")[0];
        }
        if (said.equals(expected)) {
            return true;
        }
        OptionalLong n = key.id().endsWith(".ms") ? Units.millis(said) : Units.bytes(said);
        return n.isPresent() && expected.matches("[0-9]+") && n.getAsLong() == Long.parseLong(expected);
    }

    private static Set<String> pids(String text) {
        Set<String> found = new LinkedHashSet<>();
        Matcher m = PID.matcher(text);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }

    private static String[] cells(String line) {
        String t = line.strip();
        if (!t.startsWith("|")) {
            return new String[0];
        }
        t = t.substring(1, t.endsWith("|") ? t.length() - 1 : t.length());
        String[] c = t.split(" \\| ", -1);
        for (int i = 0; i < c.length; i++) {
            c[i] = c[i].strip();
        }
        return c;
    }
}
