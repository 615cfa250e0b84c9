package dev.rsp.core.backend;

import dev.rsp.core.backend.HostLookup.Addresses;
import dev.rsp.core.backend.HostLookup.Answer;
import dev.rsp.core.backend.HostLookup.Failed;
import dev.rsp.core.backend.HostLookup.ServiceTarget;
import dev.rsp.core.backend.HostLookup.Services;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answers of the backend names in use and when each is looked up again: after its TTL clamped to
 * {@code dns.ttl.min.ms}..{@code dns.ttl.max.ms}, up to {@code dns.jitter.percent} early at random; after a failure,
 * after {@code dns.retry.ms}. A name whose lookups fail keeps its last good answer for {@code dns.hold.ms} from the
 * first failure, then has none. No I/O: {@link BackendResolver} starts the lookups this table asks for.
 *
 * <p>A name with several addresses serves one: the one it served before while the answer still has it, else the
 * lowest (IPv4 before IPv6), so that every rsp instance picks the same and a DNS server rotating its answers moves
 * nothing.
 *
 * <p>Log lines, each once per change of state: a name that starts failing (WARN, saying whether its answer is held),
 * whose hold runs out (WARN), that resolves again (INFO), whose address or targets change (INFO).
 *
 * <p>Threads: not thread-safe; the publisher's thread only. The counters it writes are read from any thread.
 */
final class ResolvedNames {

    private static final Logger LOG = LoggerFactory.getLogger("dev.rsp.core.backend");

    /** A name to look up: a host ({@code service} false: A/AAAA) or an SRV name. Lower case. */
    record Key(String name, boolean service) {
        Key {
            name = name.toLowerCase(java.util.Locale.ROOT);
        }

        @Override
        public String toString() {
            return (service ? "SRV " : "") + name;
        }
    }

    private static final class Entry {
        Answer good;
        InetAddress chosen;
        long dueNanos;
        boolean looked;
        boolean inFlight;
        boolean failing;
        long failingSinceNanos;
    }

    private final Map<Key, Entry> entries = new HashMap<>();
    private final LongSupplier clock;
    private final RandomGenerator random;
    private final DnsCounters counters;
    private DnsSettings settings = DnsSettings.DEFAULTS;

    ResolvedNames(LongSupplier clock, RandomGenerator random, DnsCounters counters) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.counters = Objects.requireNonNull(counters, "counters");
    }

    /** Applies from the next scheduling on; answers already held keep their due time. */
    void settings(DnsSettings s) {
        settings = Objects.requireNonNull(s, "settings");
    }

    /** The names in use now: new ones are due at once, names no longer in use are forgotten. */
    void use(Set<Key> keys) {
        entries.keySet().retainAll(keys);
        add(keys);
    }

    /** Adds the names of {@code keys} not known yet, due at once; forgets none. */
    void add(Set<Key> keys) {
        long now = clock.getAsLong();
        for (Key k : keys) {
            entries.computeIfAbsent(k, x -> {
                Entry e = new Entry();
                e.dueNanos = now;
                return e;
            });
        }
        gauges();
    }

    /** Names in use that were never looked up (their first answer is awaited before they are published). */
    List<Key> neverLooked() {
        List<Key> out = new ArrayList<>();
        entries.forEach((k, e) -> {
            if (!e.looked && !e.inFlight) {
                out.add(k);
            }
        });
        return out;
    }

    /** Names whose time has come and that are not being looked up; marks them as being looked up. */
    List<Key> due() {
        long now = clock.getAsLong();
        List<Key> out = new ArrayList<>();
        entries.forEach((k, e) -> {
            if (!e.inFlight && now - e.dueNanos >= 0) {
                out.add(k);
            }
        });
        out.forEach(this::started);
        return out;
    }

    /** {@code key} is being looked up now. */
    void started(Key key) {
        Entry e = entries.get(key);
        if (e != null) {
            e.inFlight = true;
            counters.lookups.increment();
        }
    }

    /**
     * Records the answer of a lookup this table asked for. Returns true when what the name serves changed: another
     * address, other SRV targets, or none any more (the hold ran out), or one for the first time. An answer for a
     * name no longer in use is dropped.
     */
    boolean answered(Key key, Answer answer) {
        Entry e = entries.get(key);
        if (e == null) {
            return false;
        }
        long now = clock.getAsLong();
        e.inFlight = false;
        e.looked = true;
        boolean changed;
        if (answer instanceof Failed f) {
            changed = failed(key, e, f, now);
        } else if (answer instanceof Addresses a) {
            changed = succeeded(key, e, a, a.ttlSeconds(), now);
        } else {
            changed = succeeded(key, e, answer, ((Services) answer).ttlSeconds(), now);
        }
        gauges();
        return changed;
    }

    private boolean succeeded(Key key, Entry e, Answer answer, long ttlSeconds, long now) {
        e.dueNanos = now + refreshAfter(TimeUnit.SECONDS.toNanos(Math.max(0, ttlSeconds)));
        if (e.failing) {
            LOG.info("Backend name {} resolves {}: {}", key, e.good == null ? "now" : "again", shown(answer));
            e.failing = false;
        }
        Answer before = e.good;
        InetAddress chosenBefore = e.chosen;
        e.good = answer;
        if (answer instanceof Addresses a) {
            e.chosen = choose(a.addresses(), chosenBefore);
            if (chosenBefore != null && !chosenBefore.equals(e.chosen)) {
                counters.changed.increment();
                LOG.info("Backend host {} moved from {} to {}", key, chosenBefore.getHostAddress(),
                        e.chosen.getHostAddress());
            }
            return !e.chosen.equals(chosenBefore);
        }
        List<ServiceTarget> targets = ((Services) answer).targets();
        boolean same = before instanceof Services s && sorted(s.targets()).equals(sorted(targets));
        if (!same && before != null) {
            counters.changed.increment();
            LOG.info("Backend service {} now has targets {}", key, shown(answer));
        }
        return !same;
    }

    private boolean failed(Key key, Entry e, Failed f, long now) {
        counters.failed.increment();
        e.dueNanos = now + jittered(settings.retryNanos());
        if (!e.failing) {
            e.failing = true;
            e.failingSinceNanos = now;
            if (e.good == null) {
                LOG.warn("Backend name {} not resolved ({}); its backends cannot be reached until it resolves", key,
                        f.reason());
            } else if (settings.holdNanos() > 0) {
                counters.held.increment();
                LOG.warn("Backend name {} not resolved ({}); keeping its last answer {} for up to {} ms (dns.hold.ms)",
                        key, f.reason(), shown(e.good), TimeUnit.NANOSECONDS.toMillis(settings.holdNanos()));
                return false;
            }
        }
        if (e.good != null && now - e.failingSinceNanos >= settings.holdNanos()) {
            counters.expired.increment();
            LOG.warn("Backend name {} still not resolved ({}); its last answer {} is no longer used: its backends "
                    + "cannot be reached until it resolves", key, f.reason(), shown(e.good));
            e.good = null;
            e.chosen = null;
            return true;
        }
        return false;
    }

    /** The address host {@code name} serves now, if any. */
    Optional<InetAddress> address(String name) {
        Entry e = entries.get(new Key(name, false));
        return e == null ? Optional.empty() : Optional.ofNullable(e.chosen);
    }

    /** The SRV targets {@code name} serves now, if any. */
    Optional<List<ServiceTarget>> targets(String name) {
        Entry e = entries.get(new Key(name, true));
        return e != null && e.good instanceof Services s ? Optional.of(s.targets()) : Optional.empty();
    }

    /** The clamped TTL, up to {@code dns.jitter.percent} of it earlier. */
    long refreshAfter(long ttlNanos) {
        return jittered(Math.min(settings.ttlMaxNanos(), Math.max(settings.ttlMinNanos(), ttlNanos)));
    }

    private long jittered(long nanos) {
        long spread = nanos / 100 * settings.jitterPercent();
        return spread <= 0 ? nanos : nanos - random.nextLong(spread + 1);
    }

    private void gauges() {
        int holding = 0;
        int unresolved = 0;
        for (Entry e : entries.values()) {
            if (e.good != null && e.failing) {
                holding++;
            } else if (e.good == null && e.looked) {
                unresolved++;
            }
        }
        counters.holdingNow = holding;
        counters.unresolvedNow = unresolved;
    }

    private static InetAddress choose(List<InetAddress> addresses, InetAddress before) {
        if (before != null && addresses.contains(before)) {
            return before;
        }
        return addresses.stream().min(ADDRESS_ORDER).orElseThrow();
    }

    private static final Comparator<InetAddress> ADDRESS_ORDER = Comparator
            .comparing((InetAddress a) -> a instanceof Inet4Address ? 0 : 1)
            .thenComparing(InetAddress::getAddress, Arrays::compareUnsigned);

    private static List<ServiceTarget> sorted(List<ServiceTarget> targets) {
        return targets.stream().sorted(Comparator.comparing(ServiceTarget::target).thenComparingInt(ServiceTarget::port)
                .thenComparingInt(ServiceTarget::priority).thenComparingInt(ServiceTarget::weight)).toList();
    }

    private static String shown(Answer a) {
        if (a instanceof Addresses x) {
            return x.addresses().stream().map(InetAddress::getHostAddress).toList().toString();
        }
        if (a instanceof Services s) {
            return sorted(s.targets()).stream().map(t -> t.target() + ":" + t.port() + " (priority " + t.priority()
                    + ", weight " + t.weight() + ")").toList().toString();
        }
        return ((Failed) a).reason();
    }
}
