package dev.rsp.core.edge;

import dev.rsp.config.Reading;
import dev.rsp.config.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The header rules of {@code rsp.headers} ({@code etc/rsp.headers.cfg}), validated and compiled: read by
 * {@link #read}, which gives every problem at once (a configuration with one is not applied, not even in part).
 * Every rule that matches a request applies, in the order of the rule names; where two set or remove the same field,
 * the later one wins. Per message, {@link #match} gives the matching rules as a bit mask (at most {@link #MAX_RULES}
 * rules), so that applying them allocates nothing. Immutable.
 */
public final class HeaderRules {

    /** Rule keys start with this: {@code rule.<name>.hosts}, {@code rule.<name>.response.set.<Field>}, ... */
    public static final String PREFIX = "rule.";

    /** The keys of {@code rsp.headers}, for the component and {@code bin/rsp check}. */
    public static final Schema SCHEMA = Schema.of("rsp.headers").prefix(PREFIX);

    /** Most rules in one configuration: a message's matching rules are one {@code long}. */
    public static final int MAX_RULES = 64;

    /** No rules (no file). */
    public static final HeaderRules NONE = new HeaderRules(List.of());

    private final HeaderRule[] rules;
    private final long requestRules;
    private final long responseRules;

    HeaderRules(List<HeaderRule> rules) {
        this.rules = rules.toArray(new HeaderRule[0]);
        long req = 0;
        long resp = 0;
        for (int k = 0; k < this.rules.length; k++) {
            req |= this.rules[k].request().isEmpty() ? 0 : 1L << k;
            resp |= this.rules[k].response().isEmpty() ? 0 : 1L << k;
        }
        this.requestRules = req;
        this.responseRules = resp;
    }

    public sealed interface Parsed permits Valid, Invalid {
    }

    public record Valid(HeaderRules rules, List<String> warnings) implements Parsed {
    }

    public record Invalid(List<String> errors, List<String> warnings) implements Parsed {
    }

    /** Reads and checks {@code properties} (as ConfigAdmin delivers them; null is empty). */
    public static Parsed read(Map<String, ?> properties) {
        Reading r = SCHEMA.read(properties);
        List<String> errors = new ArrayList<>(r.errors());
        List<String> warnings = new ArrayList<>(r.warnings());
        List<HeaderRule> rules = errors.isEmpty() ? HeaderRuleReader.read(r.values(), errors, warnings) : List.of();
        if (rules.size() > MAX_RULES) {
            errors.add("rsp.headers: " + rules.size() + " rules; at most " + MAX_RULES
                    + " (a rule may name many hosts: hosts = a.example.com, *.b.example.com)");
        }
        if (!errors.isEmpty()) {
            return new Invalid(errors, warnings);
        }
        return new Valid(new HeaderRules(rules), warnings);
    }

    /**
     * The rules that apply to a message for {@code host} (canonical) sent to backend {@code backend}, as bits
     * ({@code 1L << k} for {@link #rule}(k)), only those that edit requests ({@code request}) or responses. Allocates
     * nothing.
     */
    public long match(String host, String backend, boolean request) {
        long candidates = request ? requestRules : responseRules;
        long mask = 0;
        while (candidates != 0) {
            int k = Long.numberOfTrailingZeros(candidates);
            candidates &= candidates - 1;
            if (rules[k].matches(host, backend)) {
                mask |= 1L << k;
            }
        }
        return mask;
    }

    public HeaderRule rule(int k) {
        return rules[k];
    }

    public int size() {
        return rules.length;
    }

    public List<HeaderRule> rules() {
        return List.of(rules);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeaderRules h && h.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /** For logs: each rule with its hosts and edits. */
    @Override
    public String toString() {
        if (rules.length == 0) {
            return "no rules";
        }
        StringBuilder sb = new StringBuilder();
        for (HeaderRule rule : rules) {
            sb.append(sb.length() == 0 ? "" : " | ").append("rule.").append(rule.name()).append(" hosts ").append(rule.hosts());
            if (!rule.backends().isEmpty()) {
                sb.append(" backends ").append(String.join(", ", new java.util.TreeSet<>(rule.backends())));
            }
            if (!rule.request().isEmpty()) {
                sb.append(": request ").append(rule.request());
            }
            if (!rule.response().isEmpty()) {
                sb.append(": response ").append(rule.response());
            }
        }
        return sb.toString();
    }
}
