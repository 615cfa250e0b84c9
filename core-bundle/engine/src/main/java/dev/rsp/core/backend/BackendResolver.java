package dev.rsp.core.backend;

import dev.rsp.core.backend.HostLookup.Answer;
import dev.rsp.core.backend.HostLookup.Failed;
import dev.rsp.core.backend.ResolvedNames.Key;
import dev.rsp.host.HostNames;
import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The one place backend names are resolved, for traffic and the active health check alike (both use the
 * {@link BackendDirectory} it builds). Address literals and {@code localhost} (always the loopback address, RFC 6761)
 * are never looked up; every other host is, through a {@link HostLookup} built from {@link DnsSettings}, and SRV names
 * ({@link ServiceBackends#isServiceName}) expand to the backends of their targets. When each name is looked up again
 * (its TTL, clamped, with jitter) and how long a failing name keeps its last answer is {@link ResolvedNames}'s.
 *
 * <p>Names never looked up are awaited (up to {@code dns.timeout.ms}, off the loops) before a set that uses them is
 * published, so that a new backend is reachable from its first publication. Later lookups do not block anyone:
 * {@link #startDue} starts them and the publisher hands their answers back through {@link #answered}.
 *
 * <p>Threads: not thread-safe; used only by {@link BackendPublisher} on its own thread, never on a loop.
 */
public final class BackendResolver {

    /** A lookup started by {@link #startDue}: its answer goes back to {@link #answered}, on the publisher's thread. */
    record Pending(Key key, CompletionStage<Answer> answer) {
    }

    private final Function<DnsSettings, HostLookup> lookups;
    private final DnsCounters counters = new DnsCounters();
    private final ResolvedNames names;
    private DnsSettings settings = DnsSettings.DEFAULTS;
    /** Built at the first lookup, again when the settings change. */
    private HostLookup lookup;

    /** Production: dnsjava, the system clock, a random jitter. */
    public BackendResolver() {
        this(DnsjavaLookup::new, System::nanoTime, new SplittableRandom());
    }

    /**
     * @param lookups builds the lookup for the settings in force (again when they change)
     * @param clock   {@link System#nanoTime} or a test's clock
     * @param random  draws the jitter; a fixed seed in tests
     */
    public BackendResolver(Function<DnsSettings, HostLookup> lookups, LongSupplier clock, RandomGenerator random) {
        this.lookups = Objects.requireNonNull(lookups, "lookups");
        this.names = new ResolvedNames(clock, random, counters);
    }

    /** Lookups from now on use {@code s} (a new lookup when servers, hosts file or timeout change). */
    public void settings(DnsSettings s) {
        Objects.requireNonNull(s, "settings");
        if (!s.equals(settings)) {
            settings = s;
            lookup = null;
            names.settings(s);
        }
    }

    public DnsCounters counters() {
        return counters;
    }

    /**
     * {@code configured} with every SRV backend replaced by the backends of its targets (none while its name has no
     * answer). SRV names never looked up are looked up now, and awaited.
     */
    public List<Backend> expand(List<Backend> configured) {
        Set<Key> services = new HashSet<>();
        configured.stream().filter(b -> ServiceBackends.isServiceName(b.host()))
                .forEach(b -> services.add(new Key(b.host(), true)));
        names.add(services);
        awaitFirst(names.neverLooked().stream().filter(services::contains).toList());
        List<Backend> out = new ArrayList<>();
        for (Backend b : configured) {
            if (ServiceBackends.isServiceName(b.host())) {
                names.targets(b.host()).ifPresent(t -> out.addAll(ServiceBackends.expand(b, t)));
            } else {
                out.add(b);
            }
        }
        return out;
    }

    /** The directory of {@code backends}, a set without SRV names (see {@link #directory(Backends, List)}). */
    public BackendDirectory directory(Backends backends) {
        return directory(backends, backends.all());
    }

    /**
     * The directory of {@code backends} (expanded from {@code configured} by {@link #expand}): hosts never looked up
     * are looked up now and awaited; names neither uses any more are forgotten.
     */
    public BackendDirectory directory(Backends backends, List<Backend> configured) {
        Set<Key> keys = new HashSet<>();
        configured.stream().filter(b -> ServiceBackends.isServiceName(b.host()))
                .forEach(b -> keys.add(new Key(b.host(), true)));
        backends.all().stream().filter(b -> looksUp(b.host())).forEach(b -> keys.add(new Key(b.host(), false)));
        names.use(keys);
        awaitFirst(names.neverLooked());
        Map<String, InetSocketAddress> addresses = new HashMap<>();
        for (Backend b : backends.all()) {
            address(b.host()).ifPresent(a -> addresses.put(b.name(), new InetSocketAddress(a, b.port())));
        }
        return BackendDirectory.of(backends, addresses);
    }

    /** Starts the lookups of the names whose time has come; their answers go to {@link #answered}. */
    List<Pending> startDue() {
        List<Pending> out = new ArrayList<>();
        for (Key k : names.due()) {
            out.add(new Pending(k, lookup(k)));
        }
        return out;
    }

    /** Records an answer from {@link #startDue}; true when what its name serves changed. */
    boolean answered(Key key, Answer answer) {
        return names.answered(key, answer);
    }

    private Optional<InetAddress> address(String host) {
        if (isLocalhost(host)) {
            return Optional.of(InetAddress.getLoopbackAddress());
        }
        if (isLiteral(host)) {
            try {
                return Optional.of(InetAddress.getByName(host));
            } catch (UnknownHostException literalIsNeverLookedUp) {
                return Optional.empty();
            }
        }
        return names.address(host);
    }

    /** Looks {@code keys} up at once and waits for all their answers, up to the lookup timeout and a second. */
    private void awaitFirst(List<Key> keys) {
        if (keys.isEmpty()) {
            return;
        }
        List<CompletableFuture<Answer>> answers = new ArrayList<>(keys.size());
        for (Key k : keys) {
            names.started(k);
            answers.add(lookup(k).toCompletableFuture());
        }
        long deadline = System.nanoTime() + settings.timeoutNanos() + TimeUnit.SECONDS.toNanos(1);
        for (int i = 0; i < keys.size(); i++) {
            names.answered(keys.get(i), await(answers.get(i), deadline));
        }
    }

    private static Answer await(CompletableFuture<Answer> answer, long deadline) {
        try {
            return answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return new Failed("no answer within dns.timeout.ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Failed("interrupted");
        } catch (ExecutionException e) {
            return new Failed(String.valueOf(e.getCause()));
        }
    }

    private CompletionStage<Answer> lookup(Key k) {
        try {
            if (lookup == null) {
                lookup = lookups.apply(settings);
            }
            return k.service() ? lookup.services(k.name()) : lookup.addresses(k.name());
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(new Failed("lookup failed: " + e));
        }
    }

    /** Whether {@code host} is resolved through DNS (not a literal, not {@code localhost}, not an SRV name). */
    static boolean looksUp(String host) {
        return !isLiteral(host) && !isLocalhost(host) && !ServiceBackends.isServiceName(host);
    }

    static boolean isLiteral(String host) {
        return HostNames.isIpv4(host, 0, host.length()) || host.indexOf(':') >= 0;
    }

    static boolean isLocalhost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.endsWith(".localhost");
    }
}
