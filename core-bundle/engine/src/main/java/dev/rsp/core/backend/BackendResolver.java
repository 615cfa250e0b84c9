package dev.rsp.core.backend;

import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place backend host names are resolved, for traffic and the active health check alike. It keeps the last
 * good address of every host in use: a new backend set resolves only the hosts it has not seen, and {@link #refresh}
 * (on the publisher's interval) looks every host up again. A lookup that fails keeps the last good address; a host
 * that never resolved stays unresolved, and connecting to it fails like a refused connection.
 *
 * <p>Threads: not thread-safe; used only by {@link BackendPublisher} on its own thread. Lookups block (DNS), so it is
 * never used on a loop. A failing lookup is logged once when it starts failing and once when it resolves again.
 */
public final class BackendResolver {

    private static final Logger LOG = LoggerFactory.getLogger("dev.rsp.core.backend");

    /** How a host name becomes an address; {@link InetAddress#getByName} in production. May block. */
    @FunctionalInterface
    public interface Lookup {
        InetAddress lookup(String host) throws UnknownHostException;
    }

    private final Lookup lookup;
    /** By host: the last good address ({@code null}: never resolved) and whether the last lookup failed. */
    private final Map<String, Known> known = new HashMap<>();

    private record Known(InetAddress address, boolean failing) {
    }

    public BackendResolver() {
        this(InetAddress::getByName);
    }

    public BackendResolver(Lookup lookup) {
        this.lookup = Objects.requireNonNull(lookup, "lookup");
    }

    /**
     * The directory of {@code backends}: hosts seen before keep their address, new ones are looked up now (blocks).
     * Hosts no backend uses any more are forgotten.
     */
    public BackendDirectory directory(Backends backends) {
        known.keySet().retainAll(hosts(backends));
        for (Backend b : backends.all()) {
            if (!known.containsKey(b.host())) {
                resolve(b.host(), backends);
            }
        }
        return build(backends);
    }

    /**
     * Looks up every host of {@code backends} again (blocks) and returns the directory when an address changed (a
     * host moved, or resolved for the first time), else {@code null}: nothing to publish.
     */
    public BackendDirectory refresh(Backends backends) {
        boolean changed = false;
        for (String host : hosts(backends)) {
            Known before = known.get(host);
            resolve(host, backends);
            Known after = known.get(host);
            changed |= before == null || !Objects.equals(before.address(), after.address());
        }
        return changed ? build(backends) : null;
    }

    private void resolve(String host, Backends backends) {
        Known before = known.get(host);
        try {
            InetAddress address = lookup.lookup(host);
            if (before != null && before.failing()) {
                LOG.info("Backend host {} resolves again: {} (backends {})", host, address.getHostAddress(),
                        names(host, backends));
            } else if (before != null && before.address() != null && !before.address().equals(address)) {
                LOG.info("Backend host {} moved from {} to {} (backends {})", host, before.address().getHostAddress(),
                        address.getHostAddress(), names(host, backends));
            }
            known.put(host, new Known(address, false));
        } catch (UnknownHostException | RuntimeException e) {
            InetAddress last = before == null ? null : before.address();
            if (before == null || !before.failing()) {
                String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                if (last != null) {
                    LOG.warn("Backend host {} not resolved ({}); keeping its last address {} (backends {})", host, why,
                            last.getHostAddress(), names(host, backends));
                } else {
                    LOG.warn("Backend host {} not resolved ({}); backends {} cannot be reached until it resolves",
                            host, why, names(host, backends));
                }
            }
            known.put(host, new Known(last, true));
        }
    }

    private BackendDirectory build(Backends backends) {
        Map<String, InetSocketAddress> addresses = new HashMap<>();
        for (Backend b : backends.all()) {
            Known k = known.get(b.host());
            if (k != null && k.address() != null) {
                addresses.put(b.name(), new InetSocketAddress(k.address(), b.port()));
            }
        }
        return BackendDirectory.of(backends, addresses);
    }

    private static TreeSet<String> hosts(Backends backends) {
        TreeSet<String> hosts = new TreeSet<>();
        backends.all().forEach(b -> hosts.add(b.host()));
        return hosts;
    }

    private static List<String> names(String host, Backends backends) {
        return backends.all().stream().filter(b -> b.host().equals(host)).map(Backend::name).toList();
    }
}
