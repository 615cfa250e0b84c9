package dev.rsp.core.metatype;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Prints PIDs and their keys as aligned plain text, the same for {@code bin/rsp config} (from the jars) and
 * {@code rsp:config} (from the running MetaType service). Per PID a heading line with its name and description, then
 * one line per key: key, type, default, accepted values, optionally the value set now, and the description.
 */
public final class ConfigTable {

    private static final String NL = System.lineSeparator();

    private ConfigTable() {
    }

    /**
     * The text for {@code pids}; {@code current} gives the values set now of a PID (key to value, possibly empty), or
     * null to print no such column.
     */
    public static String format(Collection<PidKeys> pids, Function<String, Map<String, String>> current) {
        StringBuilder out = new StringBuilder();
        for (PidKeys p : pids) {
            if (out.length() > 0) {
                out.append(NL);
            }
            out.append(p.pid()).append(p.factory() ? " (factory: one etc/" + p.pid() + "-<name>.cfg each)" : "")
                    .append(" - ").append(p.name()).append(": ").append(p.description()).append(NL);
            if (p.keys().isEmpty()) {
                out.append("  (no fixed keys: see the description)").append(NL);
                continue;
            }
            Map<String, String> set = current == null ? null : current.apply(p.pid());
            List<String[]> rows = new ArrayList<>();
            rows.add(set == null ? new String[] {"key", "type", "default", "accepts", "description"}
                    : new String[] {"key", "type", "default", "accepts", "set now", "description"});
            for (ConfigKey k : p.keys()) {
                String type = k.type() + (k.multiple() ? "[]" : "");
                String dflt = k.defaults().isEmpty() ? "(none)" : k.defaultText().isEmpty() ? "(empty)" : k.defaultText();
                String now = set == null ? null : set.containsKey(k.id()) ? shown(k, set.get(k.id())) : "-";
                rows.add(now == null ? new String[] {k.id(), type, dflt, k.rangeText(), k.description()}
                        : new String[] {k.id(), type, dflt, k.rangeText(), now, k.description()});
            }
            appendAligned(rows, out);
        }
        return out.toString();
    }

    private static String shown(ConfigKey k, String value) {
        return k.type().equals("Password") ? "(hidden)" : value.isEmpty() ? "(empty)" : value;
    }

    private static void appendAligned(List<String[]> rows, StringBuilder out) {
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        for (String[] r : rows) {
            for (int c = 0; c < columns - 1; c++) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder("  ");
            for (int c = 0; c < columns - 1; c++) {
                line.append(r[c]).append(" ".repeat(width[c] - r[c].length() + 2));
            }
            line.append(r[columns - 1]);
            out.append(line.toString().stripTrailing()).append(NL);
        }
    }
}
