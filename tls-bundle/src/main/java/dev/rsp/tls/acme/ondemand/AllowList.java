package dev.rsp.tls.acme.ondemand;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The names on-demand issuance may order, as read from an allow-list file: one name per line, or a wildcard
 * {@code *.example.com} that covers exactly one more label ({@code a.example.com}, not {@code example.com} nor
 * {@code a.b.example.com}), like a wildcard certificate. {@code #} starts a comment; blank lines are skipped. Names are
 * canonicalised ({@link IssuableNames}: lower case, IDN as punycode, no trailing dot); a line that is not an issuable
 * name or a wildcard is a problem, reported with its line number and skipped.
 *
 * <p>Immutable; {@link #allows} is two hash lookups, safe on any thread.
 */
public final class AllowList {

    /** The list that allows nothing. */
    public static final AllowList EMPTY = new AllowList(Set.of(), Set.of());

    /** Longest line considered: a name is at most 253 characters, and {@code "*."} and a comment may follow. */
    static final int MAX_LINE = 1024;

    private final Set<String> names;
    /** For {@code *.example.com}: {@code example.com}. */
    private final Set<String> wildcardParents;

    private AllowList(Set<String> names, Set<String> wildcardParents) {
        this.names = names;
        this.wildcardParents = wildcardParents;
    }

    /** The result of {@link #parse}: the list of the good lines, and one line per bad one ({@code source:line: why}). */
    public record Parsed(AllowList list, List<String> problems) {
    }

    /** Whether {@code name} (canonical, as {@link IssuableNames} gives it) is on the list or under one of its wildcards. */
    public boolean allows(String name) {
        if (names.contains(name)) {
            return true;
        }
        int dot = name.indexOf('.');
        return dot > 0 && !wildcardParents.isEmpty() && wildcardParents.contains(name.substring(dot + 1));
    }

    /** Names plus wildcards on the list. */
    public int size() {
        return names.size() + wildcardParents.size();
    }

    /**
     * Reads every line of {@code lines}; {@code source} names the file in problems. A read failure is the caller's:
     * it propagates, and no partial list is returned.
     */
    public static Parsed parse(String source, BufferedReader lines) throws IOException {
        Set<String> names = new HashSet<>();
        Set<String> parents = new HashSet<>();
        List<String> problems = new ArrayList<>();
        int number = 0;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            number++;
            String why = add(line, names, parents);
            if (why != null) {
                problems.add(source + ":" + number + ": '" + shown(line) + "': " + why);
            }
        }
        return new Parsed(new AllowList(Set.copyOf(names), Set.copyOf(parents)), List.copyOf(problems));
    }

    /** Adds the entry of one line; the problem, or {@code null} when the line is good (or blank, or a comment). */
    private static String add(String line, Set<String> names, Set<String> parents) {
        if (line.length() > MAX_LINE) {
            return "longer than " + MAX_LINE + " characters";
        }
        int hash = line.indexOf('#');
        String entry = (hash >= 0 ? line.substring(0, hash) : line).strip();
        if (entry.isEmpty()) {
            return null;
        }
        if (entry.chars().anyMatch(Character::isWhitespace)) {
            return "one name per line";
        }
        boolean wildcard = entry.startsWith("*.");
        String name = wildcard ? entry.substring(2) : entry;
        if (name.indexOf('*') >= 0) {
            return "a wildcard is '*.' and a name, e.g. *.example.com, and covers one label";
        }
        IssuableNames.Checked checked = IssuableNames.check(name);
        if (checked instanceof IssuableNames.NotIssuable not) {
            return not.why();
        }
        String canonical = ((IssuableNames.Issuable) checked).name();
        (wildcard ? parents : names).add(canonical);
        return null;
    }

    private static String shown(String line) {
        return line.length() <= 80 ? line : line.substring(0, 80) + "...";
    }
}
