package dev.rsp.core.edge;

import dev.rsp.config.Nearest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads the {@code rule.<name>.*} keys of {@code rsp.headers} into {@link HeaderRule}s:
 * <pre>
 * rule.&lt;name&gt;.hosts = example.com, *.example.com      (required; * for every host)
 * rule.&lt;name&gt;.backends = web-1, web-2                   (optional: only requests sent to these backends)
 * rule.&lt;name&gt;.request.set.&lt;Field&gt; = value          (replaces every field of that name)
 * rule.&lt;name&gt;.request.add.&lt;Field&gt; = value          (adds one, keeping those there are)
 * rule.&lt;name&gt;.request.remove = Field, Field
 * rule.&lt;name&gt;.response.set|add.&lt;Field&gt; = value, rule.&lt;name&gt;.response.remove = Field, Field
 * </pre>
 * Values are literal text (nothing in them is evaluated). Fields that frame messages or belong to one connection
 * (Content-Length, Transfer-Encoding, Connection and the other hop-by-hop ones), and on requests Host and the
 * X-Forwarded-* fields rsp writes itself, are refused: changing them would change what rsp forwards in ways it does
 * not track. Every problem is added to {@code errors}, naming the key.
 */
final class HeaderRuleReader {

    private static final Pattern RULE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}");
    private static final List<String> PARTS = List.of("hosts", "backends", "request.set", "request.add", "request.remove",
            "response.set", "response.add", "response.remove");

    /** Connection-specific or framing fields: never touched by a rule, either way. */
    private static final Set<String> FRAMING = Set.of("content-length", "transfer-encoding", "connection", "keep-alive",
            "proxy-connection", "te", "trailer", "upgrade", "http2-settings");
    /** Fields rsp writes into every forwarded request itself. */
    private static final Set<String> REQUEST_OWN = Set.of("host", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host",
            "forwarded", "traceparent", "tracestate");

    private HeaderRuleReader() {
    }

    /** One rule's keys as they are read, before it is compiled. */
    private static final class Draft {
        final String name;
        String hosts;
        Set<String> backends = Set.of();
        final Direction request = new Direction();
        final Direction response = new Direction();

        Draft(String name) {
            this.name = name;
        }
    }

    private static final class Direction {
        final List<String> removes = new ArrayList<>();
        final Map<String, String> sets = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        final Map<String, String> adds = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    }

    static List<HeaderRule> read(Map<String, Object> values, List<String> errors, List<String> warnings) {
        Map<String, Draft> drafts = new TreeMap<>();
        for (Map.Entry<String, Object> e : new TreeMap<>(values).entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(HeaderRules.PREFIX)) {
                continue;
            }
            String value = String.valueOf(e.getValue()).strip();
            String rest = key.substring(HeaderRules.PREFIX.length());
            int dot = rest.indexOf('.');
            String name = dot < 0 ? rest : rest.substring(0, dot);
            if (dot < 0 || !RULE_NAME.matcher(name).matches()) {
                errors.add("rsp.headers: " + key + ": expected rule.<name>.<part> with a name of letters, digits, - and _"
                        + " (parts: hosts, backends, request.set.<Field>, request.add.<Field>, request.remove, response.*)");
                continue;
            }
            Draft d = drafts.computeIfAbsent(name, Draft::new);
            part(d, key, rest.substring(dot + 1), value, errors);
        }
        List<HeaderRule> rules = new ArrayList<>();
        for (Draft d : drafts.values()) {
            if (d.hosts == null) {
                errors.add("rsp.headers: rule." + d.name + " has no rule." + d.name + ".hosts (write hosts = * for every host)");
                continue;
            }
            HostPatterns hosts = HostPatterns.parse("rsp.headers: rule." + d.name + ".hosts", d.hosts, errors);
            if (hosts.isEmpty()) {
                errors.add("rsp.headers: rule." + d.name + ".hosts is empty (write * for every host)");
            }
            FieldEdits request = compile(d.request);
            FieldEdits response = compile(d.response);
            if (request.isEmpty() && response.isEmpty()) {
                warnings.add("rsp.headers: rule." + d.name + " changes no field; it does nothing");
            }
            rules.add(new HeaderRule(d.name, hosts, d.backends, request, response));
        }
        return rules;
    }

    private static void part(Draft d, String key, String part, String value, List<String> errors) {
        if (part.equals("hosts")) {
            d.hosts = value;
            return;
        }
        if (part.equals("backends")) {
            Set<String> names = new LinkedHashSet<>();
            for (String b : value.split(",")) {
                if (!b.isBlank()) {
                    names.add(b.strip());
                }
            }
            d.backends = Set.copyOf(names);
            return;
        }
        boolean request = part.startsWith("request.");
        Direction dir = request ? d.request : d.response;
        String action = part.substring(part.indexOf('.') + 1);
        if ((request || part.startsWith("response.")) && action.equals("remove")) {
            for (String f : value.split(",")) {
                String field = f.strip();
                if (!field.isEmpty() && fieldName(key, field, request, errors)) {
                    dir.removes.add(field.toLowerCase(Locale.ROOT));
                }
            }
            return;
        }
        int fieldDot = action.indexOf('.');
        String verb = fieldDot < 0 ? action : action.substring(0, fieldDot);
        if (!(request || part.startsWith("response.")) || fieldDot < 0 || !(verb.equals("set") || verb.equals("add"))) {
            String shape = part.chars().filter(c -> c == '.').count() >= 2 ? part.substring(0, part.indexOf('.', part.indexOf('.') + 1)) : part;
            String near = PARTS.stream().min((a, b) -> Nearest.distance(shape, a) - Nearest.distance(shape, b)).orElseThrow();
            errors.add("rsp.headers: unknown key '" + key + "' (did you mean '" + HeaderRules.PREFIX + d.name + "." + near
                    + (near.endsWith(".set") || near.endsWith(".add") ? ".<Field>" : "") + "'?)");
            return;
        }
        String field = action.substring(fieldDot + 1);
        if (!fieldName(key, field, request, errors)) {
            return;
        }
        if (value.isEmpty()) {
            errors.add("rsp.headers: " + key + " is empty (to drop the field, list it in rule." + d.name
                    + (request ? ".request" : ".response") + ".remove)");
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xff || c < 0x20 && c != '\t' || c == 0x7f) {
                errors.add("rsp.headers: " + key + " = '" + value + "': a field value is text without control characters"
                        + " and within ISO-8859-1");
                return;
            }
        }
        (verb.equals("set") ? dir.sets : dir.adds).put(field, value);
    }

    private static boolean fieldName(String key, String field, boolean request, List<String> errors) {
        String lower = field.toLowerCase(Locale.ROOT);
        if (!TOKEN.matcher(field).matches()) {
            errors.add("rsp.headers: " + key + ": '" + field + "' is not a field name (letters, digits and !#$%&'*+-.^_`|~)");
            return false;
        }
        if (FRAMING.contains(lower)) {
            errors.add("rsp.headers: " + key + ": " + field + " frames the message or belongs to one connection; rsp writes"
                    + " it and no rule may change it");
            return false;
        }
        if (request && REQUEST_OWN.contains(lower)) {
            errors.add("rsp.headers: " + key + ": rsp writes " + field + " into every forwarded request itself"
                    + (lower.equals("host") ? " (the host the client asked for, which routing used)" : "")
                    + "; no rule may change it");
            return false;
        }
        return true;
    }

    private static FieldEdits compile(Direction dir) {
        Set<String> drops = new LinkedHashSet<>(dir.removes);
        List<String> described = new ArrayList<>();
        if (!dir.removes.isEmpty()) {
            described.add("remove " + String.join(", ", dir.removes));
        }
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        dir.sets.forEach((name, value) -> {
            drops.add(name.toLowerCase(Locale.ROOT));
            seen.add(name.toLowerCase(Locale.ROOT));
            names.add(name);
            values.add(value);
            described.add("set " + name + ": " + value);
        });
        dir.adds.forEach((name, value) -> {
            names.add(name);
            values.add(value);
            described.add("add " + name + ": " + value);
        });
        if (drops.isEmpty() && names.isEmpty()) {
            return FieldEdits.NONE;
        }
        return new FieldEdits(List.copyOf(drops), names, values, described);
    }
}
