package dev.rsp.core.backend;

import dev.rsp.core.backend.HostLookup.ServiceTarget;
import dev.rsp.spi.routing.Backend;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Backends named by an SRV name ({@code backend.api = _http._tcp.api.internal}) and what they expand to: one backend
 * per target of the lowest priority in the answer (RFC 2782: a client must use the lowest priority it can reach; the
 * others are left out, not kept as backups), named {@code <name>/<target>:<port>}, with the configured backend's
 * protocol, TLS, maxconn and send-proxy and the target's weight. SRV weights (0 to 65535) become rsp weights (1 to
 * {@value BackendsConfig#MAX_WEIGHT}): used as they are when every weight of the group fits (0 becomes 1, the
 * smallest share rsp has), else scaled so that the largest is {@value BackendsConfig#MAX_WEIGHT}, keeping ratios (HAProxy's
 * {@code weight / 256 + 1} would make weights 1 to 255 equal).
 *
 * <p>Stateless; no I/O.
 */
final class ServiceBackends {

    private ServiceBackends() {
    }

    /**
     * Whether {@code host} is looked up as SRV: its first two labels start with {@code _} (service and protocol) and a
     * domain follows, as in {@code _http._tcp.api.internal}.
     */
    static boolean isServiceName(String host) {
        String[] labels = host.split("\\.", -1);
        return labels.length >= 3 && labels[0].length() > 1 && labels[0].charAt(0) == '_' && labels[1].length() > 1
                && labels[1].charAt(0) == '_';
    }

    /** The port an SRV backend configured without one gets: never used, its targets' ports are. */
    static final int UNUSED_PORT = 80;

    /** {@code address} with {@link #UNUSED_PORT} added when it is an SRV name without a port; else as it is. */
    static String withPort(String address) {
        return address.indexOf(':') < 0 && isServiceName(address) ? address + ":" + UNUSED_PORT : address;
    }

    /** The backends {@code service} stands for, given its SRV targets; none when the answer has none. */
    static List<Backend> expand(Backend service, List<ServiceTarget> targets) {
        int lowest = targets.stream().mapToInt(ServiceTarget::priority).min().orElse(0);
        Map<String, ServiceTarget> group = new LinkedHashMap<>();
        for (ServiceTarget t : targets) {
            if (t.priority() == lowest && t.port() > 0) {
                // the same target and port twice: the larger weight
                group.merge(t.target() + ":" + t.port(), t, (a, b) -> a.weight() >= b.weight() ? a : b);
            }
        }
        int max = group.values().stream().mapToInt(ServiceTarget::weight).max().orElse(0);
        List<Backend> out = new ArrayList<>(group.size());
        group.forEach((targetPort, t) -> out.add(new Backend(service.name() + "/" + targetPort, t.target(), t.port(),
                weight(t.weight(), max), service.protocol(), service.tls(), service.maxConnections(), service.sendProxy())));
        return out;
    }

    /** An SRV weight as an rsp weight, given the largest weight of its group. */
    static int weight(int srvWeight, int groupMax) {
        if (groupMax <= BackendsConfig.MAX_WEIGHT) {
            return Math.max(BackendsConfig.MIN_WEIGHT, srvWeight);
        }
        return (int) Math.max(BackendsConfig.MIN_WEIGHT, Math.round(srvWeight * (double) BackendsConfig.MAX_WEIGHT / groupMax));
    }
}
