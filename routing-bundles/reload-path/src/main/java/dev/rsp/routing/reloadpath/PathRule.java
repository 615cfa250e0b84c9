package dev.rsp.routing.reloadpath;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A validated reload-path rule: the compiled path pattern and the request methods it applies to. Immutable and safe
 * to share between threads. Built from configuration written by the administrator, never from anything a client
 * sent; compiled once per configuration change, never per request.
 */
final class PathRule {

    /**
     * The default pattern: the last segment is {@code reload} (one trailing slash allowed), the domain is the segment
     * before it, at any depth. It uses a greedy {@code .*} rather than a repeated group such as
     * {@code (?:[^/]+/)*}: Java's regex engine recurses once per repetition of such a group and overflows the stack
     * on paths of a few thousand segments, while {@code .*} backtracks without recursing. It contains no backslash,
     * so it reads the same in a {@code .cfg} file.
     */
    static final String DEFAULT_PATTERN = "^.*/(?<domain>[^/]+)/reload/?$";

    /** The named group that captures the domain. */
    static final String DOMAIN_GROUP = "domain";

    /** Longest accepted pattern, in characters; keeps what the administrator can make the matcher do in view. */
    static final int MAX_PATTERN_LENGTH = 512;

    static final String KEY_PATTERN = "path.pattern";
    static final String KEY_METHODS = "methods";

    /** The rule of an empty configuration. */
    static final PathRule DEFAULT = new PathRule(Pattern.compile(DEFAULT_PATTERN), Set.of());

    private final Pattern pattern;
    /** Methods the rule applies to; empty means every method. */
    private final Set<String> methods;

    private PathRule(Pattern pattern, Set<String> methods) {
        this.pattern = pattern;
        this.methods = methods;
    }

    /** What {@link #parse} found. */
    sealed interface Parsed permits Valid, Invalid {
    }

    /** The configuration is good. */
    record Valid(PathRule rule) implements Parsed {
    }

    /** The configuration is refused, for the reasons given (at least one). */
    record Invalid(List<Problem> problems) implements Parsed {
        Invalid {
            problems = List.copyOf(problems);
        }
    }

    /** One refused value: the configuration key, the value as given, and why it is refused. */
    record Problem(String key, String value, String reason) {
    }

    /**
     * Validates a configuration.
     *
     * @param pattern a Java regular expression with a named group {@code domain}, at most
     *                {@link #MAX_PATTERN_LENGTH} characters; {@code null} counts as empty
     * @param methods method names, each element possibly a comma-separated list; {@code null} or empty means every
     *                method; names are upper-cased
     */
    static Parsed parse(String pattern, String[] methods) {
        List<Problem> problems = new ArrayList<>();
        Pattern compiled = compile(pattern == null ? "" : pattern, problems);
        Set<String> names = methodNames(methods == null ? new String[0] : methods, problems);
        if (!problems.isEmpty()) {
            return new Invalid(problems);
        }
        return new Valid(new PathRule(compiled, names));
    }

    private static Pattern compile(String pattern, List<Problem> problems) {
        if (pattern.isBlank()) {
            problems.add(new Problem(KEY_PATTERN, pattern, "empty"));
            return null;
        }
        if (pattern.length() > MAX_PATTERN_LENGTH) {
            problems.add(new Problem(KEY_PATTERN, pattern,
                    "longer than " + MAX_PATTERN_LENGTH + " characters (" + pattern.length() + ")"));
            return null;
        }
        Pattern compiled;
        try {
            compiled = Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            problems.add(new Problem(KEY_PATTERN, pattern,
                    "not a regular expression: " + e.getDescription() + " near index " + e.getIndex()));
            return null;
        }
        if (!hasDomainGroup(pattern)) {
            problems.add(new Problem(KEY_PATTERN, pattern, "no named group (?<" + DOMAIN_GROUP + ">...)"));
            return null;
        }
        return compiled;
    }

    /**
     * Whether the pattern declares the group {@code domain}. Java 17 has no API that lists a pattern's groups, so the
     * pattern is wrapped in an alternation with the empty string, which matches the empty input whatever the
     * pattern, and the group is looked up on that match. The newline ends a trailing comment of an {@code (?x)}
     * pattern, which would otherwise swallow the wrapper.
     */
    private static boolean hasDomainGroup(String pattern) {
        Matcher probe;
        try {
            probe = Pattern.compile("(?:" + pattern + "\n)|").matcher("");
        } catch (PatternSyntaxException e) {
            return false; // e.g. an unclosed \Q that swallows the wrapper
        }
        if (!probe.matches()) {
            return false;
        }
        try {
            probe.group(DOMAIN_GROUP);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Set<String> methodNames(String[] methods, List<Problem> problems) {
        Set<String> names = new TreeSet<>();
        for (String element : methods) {
            for (String name : element.split(",", -1)) {
                String m = name.trim();
                if (m.isEmpty()) {
                    continue;
                }
                if (!isToken(m)) {
                    problems.add(new Problem(KEY_METHODS, element, "'" + m + "' is not a method name"));
                } else {
                    names.add(m.toUpperCase(Locale.ROOT));
                }
            }
        }
        return Set.copyOf(names);
    }

    /** RFC 9110 token characters, which are what a method name is made of. */
    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean alnum = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
            if (!alnum && "!#$%&'*+-.^_`|~".indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The compiled pattern; its group {@code domain} exists. */
    Pattern pattern() {
        return pattern;
    }

    /** Whether the rule considers requests with this method (methods are compared case-sensitively). */
    boolean appliesTo(String method) {
        return methods.isEmpty() || methods.contains(method);
    }

    @Override
    public String toString() {
        return KEY_PATTERN + " = '" + pattern.pattern() + "', " + KEY_METHODS + " = "
                + (methods.isEmpty() ? "any" : new TreeSet<>(methods));
    }
}
