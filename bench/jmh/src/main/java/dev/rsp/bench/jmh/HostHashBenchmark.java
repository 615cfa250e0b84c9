package dev.rsp.bench.jmh;

import dev.rsp.core.admin.ProbeRequest;
import dev.rsp.routing.hosthash.HostHashConfig;
import dev.rsp.routing.hosthash.HostHashStrategy;
import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.Router;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of one host-hash decision as a network thread pays it: {@code Router.select} on a prebuilt router, with the
 * default 3 candidates, over N backends of equal weight, for hosts drawn from a fixed-seed set of 4096 random names
 * (hashing the host string is included). With the default cache every host is remembered after its first request
 * (the steady state of a platform's hot hosts); {@code cacheSize = 0} is the cost of a host seen for the first time. Run: {@code java -jar bench/jmh/target/benchmarks.jar HostHash}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HostHashBenchmark {

    private static final int HOSTS = 4096;

    @Param({"10", "100", "1000", "10000"})
    public int n;

    /** Decisions the router remembers ({@code cache.size}); 0 measures the rendezvous computation itself. */
    @Param({"65536", "0"})
    public int cacheSize;

    private Router router;
    private ProbeRequest[] heads;
    private int next;

    @Setup
    public void setUp() {
        List<Backend> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new Backend(String.format("b%05d", i), "10." + (i / 62500) + "." + (i / 250 % 250) + "." + (i % 250 + 1), 8080, 1));
        }
        router = new HostHashStrategy(defaults()).build(new Backends(1, list));
        SplittableRandom random = new SplittableRandom(2024);
        heads = new ProbeRequest[HOSTS];
        for (int i = 0; i < HOSTS; i++) {
            StringBuilder label = new StringBuilder();
            for (int j = 3 + random.nextInt(14); j > 0; j--) {
                label.append((char) ('a' + random.nextInt(26)));
            }
            heads[i] = new ProbeRequest("GET", "/", "", label + ".example.com");
        }
    }

    /** One decision for the next pre-generated host. */
    @Benchmark
    public Decision select() {
        return router.select(heads[next++ & (HOSTS - 1)]);
    }

    private HostHashConfig defaults() {
        return new HostHashConfig() {
            @Override
            public int candidates() {
                return HostHashStrategy.DEFAULT_CANDIDATES;
            }

            @Override
            public int cache_size() {
                return cacheSize;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return HostHashConfig.class;
            }
        };
    }
}
