package dev.rsp.core.edge;

import dev.rsp.host.CanonicalHost;
import dev.rsp.host.HostNames;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A list of host patterns as the keys that name hosts write it ({@code hsts.hosts}, {@code redirect.https},
 * {@code rule.<name>.hosts} of {@code rsp.headers}; the same forms as the rate limits' rules): {@code example.com}
 * (that name), {@code *.example.com} (its subdomains, not the name itself), {@code *} (every host), separated by
 * commas. Names are read as canonical hosts (lower case, IDN in its {@code xn--} form). Compiled once per
 * configuration; {@link #matches} allocates nothing. Immutable.
 */
public final class HostPatterns {

    /** No pattern: matches nothing. */
    public static final HostPatterns NONE = new HostPatterns(false, Set.of(), new String[0], "");

    private final boolean every;
    private final Set<String> exact;
    /** The {@code *.suffix} patterns without the {@code *}: {@code .example.com}. */
    private final String[] suffixes;
    private final String written;

    private HostPatterns(boolean every, Set<String> exact, String[] suffixes, String written) {
        this.every = every;
        this.exact = exact;
        this.suffixes = suffixes;
        this.written = written;
    }

    /**
     * Reads {@code list}; a pattern that is not a host name, {@code *.name} or {@code *} is an error naming
     * {@code key}. An empty list is {@link #NONE}.
     */
    public static HostPatterns parse(String key, String list, List<String> errors) {
        boolean every = false;
        Set<String> exact = new HashSet<>();
        List<String> suffixes = new ArrayList<>();
        List<String> written = new ArrayList<>();
        for (String raw : list.split(",")) {
            String p = raw.strip();
            if (p.isEmpty()) {
                continue;
            }
            if (p.equals("*")) {
                every = true;
                written.add(p);
                continue;
            }
            boolean wildcard = p.startsWith("*.");
            CanonicalHost host = HostNames.canonical(wildcard ? p.substring(2) : p);
            if (host instanceof CanonicalHost.Invalid invalid) {
                errors.add(key + " = '" + list.strip() + "': '" + p + "' is not a host name, *.name or * ("
                        + invalid.reason() + ")");
                continue;
            }
            String name = ((CanonicalHost.Valid) host).host();
            if (wildcard) {
                suffixes.add("." + name);
                written.add("*." + name);
            } else {
                exact.add(name);
                written.add(name);
            }
        }
        if (!every && exact.isEmpty() && suffixes.isEmpty()) {
            return NONE;
        }
        return new HostPatterns(every, Set.copyOf(exact), suffixes.toArray(new String[0]), String.join(", ", written));
    }

    /** Whether {@code host} (canonical) is named by a pattern. Allocates nothing. */
    public boolean matches(String host) {
        if (every || exact.contains(host)) {
            return true;
        }
        for (String s : suffixes) {
            if (host.endsWith(s)) {
                return true;
            }
        }
        return false;
    }

    /** Whether there is no pattern at all. */
    public boolean isEmpty() {
        return this == NONE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostPatterns p && p.written.equals(written);
    }

    @Override
    public int hashCode() {
        return written.hashCode();
    }

    /** The patterns in canonical form, comma-separated; "" for none. */
    @Override
    public String toString() {
        return written;
    }
}
