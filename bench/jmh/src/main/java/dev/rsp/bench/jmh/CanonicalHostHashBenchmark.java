package dev.rsp.bench.jmh;

import dev.rsp.core.admin.ProbeRequest;
import dev.rsp.host.CanonicalHost;
import dev.rsp.host.HostNames;
import dev.rsp.routing.hosthash.HostHashConfig;
import dev.rsp.routing.hosthash.HostHashStrategy;
import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.Router;
import java.lang.reflect.Proxy;
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
 * Host canonicalization plus the host-hash lookup, as a request pays them: {@code HostNames.canonical} of a Host
 * value as sent (mixed case, sometimes a port or a trailing dot), then {@code Router.select} over N backends.
 * Run: {@code java -jar bench/jmh/target/benchmarks.jar CanonicalHostHash}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CanonicalHostHashBenchmark {

    private static final int HOSTS = 4096;

    @Param({"10", "100"})
    public int n;

    private Router router;
    private String[] sent;
    private int next;

    @Setup
    public void setUp() {
        List<Backend> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new Backend("b" + i, "10.0.0." + (i % 250 + 1), 8080, 1));
        }
        HostHashConfig defaults = (HostHashConfig) Proxy.newProxyInstance(HostHashConfig.class.getClassLoader(),
                new Class<?>[] {HostHashConfig.class}, (p, m, a) -> m.getDefaultValue());
        router = new HostHashStrategy(defaults).build(new Backends(1, list));
        SplittableRandom r = new SplittableRandom(7);
        sent = new String[HOSTS];
        for (int i = 0; i < HOSTS; i++) {
            String name = "Site" + r.nextInt(1_000_000) + ".Example.com";
            sent[i] = switch (r.nextInt(4)) {
                case 0 -> name + ":8080";
                case 1 -> name + ".";
                case 2 -> name.toLowerCase();
                default -> name;
            };
        }
    }

    @Benchmark
    public Decision canonicalizeAndSelect() {
        String raw = sent[next++ & (HOSTS - 1)];
        String host = ((CanonicalHost.Valid) HostNames.canonical(raw)).host();
        return router.select(new ProbeRequest("GET", "/", "", host));
    }
}
