package dev.rsp.routing.hosthash;

import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.Router;
import dev.rsp.spi.routing.RoutingStrategy;
import dev.rsp.config.Reading;
import dev.rsp.config.RunningValues;
import dev.rsp.config.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code host-hash} routing strategy: a host always goes to the same backend, chosen by consistent hashing of
 * the canonical host ({@link dev.rsp.spi.routing.RequestHead#host()}) over the backends' names, honouring weights.
 * See {@link RendezvousRouter} for the algorithm.
 *
 * <p>Configuration is optional (PID {@value #PID}, {@link HostHashConfig}). A configuration with an invalid value is
 * logged and ignored: the previous good value stays in force. A change updates the service properties, upon which
 * the core builds a new router.
 */
@Component(immediate = true, configurationPid = HostHashStrategy.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = RoutingStrategy.NAME_PROPERTY + "=" + HostHashStrategy.NAME)
@Designate(ocd = HostHashConfig.class)
public final class HostHashStrategy implements RoutingStrategy {

    /** The strategy's name in {@code routing.chain}. */
    public static final String NAME = "host-hash";
    /** The configuration PID. */
    public static final String PID = "rsp.routing.hosthash";
    /** Candidates per decision when not configured. */
    public static final int DEFAULT_CANDIDATES = 3;
    /**
     * Decisions a router remembers when not configured: about 6 MB when full with 3 candidates; 4,096 hot hosts then
     * fill a sixteenth of it and almost never evict each other.
     */
    public static final int DEFAULT_CACHE_SIZE = 65536;
    /** The most decisions a router may remember. */
    public static final int MAX_CACHE_SIZE = 1 << 22;

    private static final Logger LOG = LoggerFactory.getLogger(HostHashStrategy.class);

    /** What a build uses; replaced whole, so a build never sees half of a change. */
    private record Settings(int candidates, int cacheSize) {
    }

    private volatile Settings settings = new Settings(DEFAULT_CANDIDATES, DEFAULT_CACHE_SIZE);

    /** The keys of {@value #PID}, shared with {@code bin/rsp check}. */
    public static final Schema SCHEMA = Schema.fromAnnotation(PID, HostHashConfig.class);

    private final RunningValues running = new RunningValues(SCHEMA);

    /** Activated by Declarative Services, with the configuration or its defaults. */
    @Activate
    public HostHashStrategy(Map<String, Object> properties) {
        apply(properties);
    }

    /** A strategy with {@code config} in force, outside Declarative Services (benchmarks, tests). */
    public HostHashStrategy(HostHashConfig config) {
        this(Map.of("candidates", config.candidates(), "cache.size", config.cache_size()));
    }

    @Modified
    void modified(Map<String, Object> properties) {
        apply(properties);
    }

    /** Builds a router over {@code backends} with the current configuration; called off the network threads. */
    @Override
    public Router build(Backends backends) {
        Settings s = settings;
        return RendezvousRouter.build(backends, s.candidates(), s.cacheSize());
    }

    /** The configured number of candidates per decision. */
    int candidates() {
        return settings.candidates();
    }

    /** The configured number of decisions a router remembers. */
    int cacheSize() {
        return settings.cacheSize();
    }

    private synchronized void apply(Map<String, Object> properties) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> effective = running.carry(properties, problems);
        problems.forEach(LOG::warn);
        Reading reading = SCHEMA.read(effective);
        reading.warnings().forEach(LOG::warn);
        problems = check(reading);
        if (!problems.isEmpty()) {
            Settings kept = settings;
            problems.forEach(p -> LOG.error("{}; keeping candidates = {}, cache.size = {}", p, kept.candidates(),
                    kept.cacheSize()));
            return;
        }
        HostHashConfig c = reading.as(HostHashConfig.class);
        settings = new Settings(c.candidates(), c.cache_size());
        running.applied(effective);
    }

    /** Every problem of a configuration, one line each naming the PID, key and value; empty when it can be applied. */
    static List<String> check(Reading reading) {
        List<String> problems = new ArrayList<>(reading.errors());
        if (problems.isEmpty()) {
            int c = reading.as(HostHashConfig.class).candidates();
            if (c < 1 || c > Decision.MAX_CANDIDATES) {
                problems.add(PID + ": candidates = '" + c + "': expected a whole number from 1 to " + Decision.MAX_CANDIDATES);
            }
            int size = reading.as(HostHashConfig.class).cache_size();
            if (size < 0 || size > MAX_CACHE_SIZE) {
                problems.add(PID + ": cache.size = '" + size + "': expected a whole number from 0 to " + MAX_CACHE_SIZE);
            }
        }
        return problems;
    }
}
