package dev.rsp.core.proxy;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which protocol switches rsp lets a client make through it ({@code upgrade.protocols}). An upgraded connection is a
 * byte tunnel past routing, limits and the access log, so an Upgrade is honoured only where RFC 9110 7.8 allows it
 * (HTTP/1.1 with {@code Connection: upgrade}) and only for protocols the operator listed; every other offer is
 * removed before the request is forwarded (the h2c smuggling: {@code Upgrade: h2c} would otherwise open an HTTP/2
 * connection to the backend that rsp cannot see into). Immutable; matching ignores case and any {@code /version}.
 */
record UpgradePolicy(Set<String> protocols) {

    static UpgradePolicy parse(String property, String value, List<String> errors) {
        Set<String> names = splitList(value).stream().map(UpgradePolicy::name).collect(Collectors.toUnmodifiableSet());
        for (String n : names) {
            if (!n.chars().allMatch(ch -> ch > ' ' && ch < 127 && "()<>@,;:\\\"/[]?={}".indexOf(ch) < 0)) {
                errors.add(property + " = '" + value + "': '" + n + "' is not a protocol name");
            }
        }
        return new UpgradePolicy(names);
    }

    /**
     * The Upgrade value to forward for this request: the offers it makes that are allowed, joined by ", ", or "" when
     * none is (then the request is forwarded as a plain HTTP/1.1 request without Upgrade).
     */
    String offered(ExchangeRequest request) {
        if (request.upgrade().isEmpty() || !request.connectionUpgrade() || request.versionMinor() != 1 || protocols.isEmpty()) {
            return "";
        }
        StringBuilder kept = new StringBuilder();
        for (String offer : splitList(request.upgrade())) {
            if (protocols.contains(name(offer))) {
                kept.append(kept.length() == 0 ? "" : ", ").append(offer);
            }
        }
        return kept.toString();
    }

    /** Whether a 101's Upgrade value names a protocol among {@code offered} (what was forwarded). */
    static boolean accepts(String offered, String switchedTo) {
        List<String> to = splitList(switchedTo);
        if (to.size() != 1) {
            return false;
        }
        String wanted = name(to.get(0));
        return splitList(offered).stream().anyMatch(o -> name(o).equals(wanted));
    }

    private static List<String> splitList(String value) {
        return java.util.Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static String name(String protocol) {
        int slash = protocol.indexOf('/');
        return (slash < 0 ? protocol : protocol.substring(0, slash)).trim().toLowerCase(Locale.ROOT);
    }
}
