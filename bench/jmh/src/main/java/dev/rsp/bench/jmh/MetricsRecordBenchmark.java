package dev.rsp.bench.jmh;

import dev.rsp.core.metrics.LoopMetrics;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What a loop pays to record one finished exchange in its {@link LoopMetrics}: the three calls the proxy's
 * {@code BackendLeg.record} makes (listener, strategy looked up by name, backend looked up by name), with the
 * backend drawn from 20 names and a latency from a fixed-seed spread of 50 µs to 50 ms. {@code noop} consumes the
 * same inputs and records nothing: the difference is the cost of recording. Run with
 * {@code -jvmArgsAppend -Drsp.metrics.disabled=true} to measure the benchmark-only switch instead.
 * Run: {@code java -jar bench/jmh/target/benchmarks.jar MetricsRecord}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MetricsRecordBenchmark {

    private static final int INPUTS = 1024;

    private final LoopMetrics metrics = new LoopMetrics();
    private final String[] backends = new String[INPUTS];
    private final int[] statuses = new int[INPUTS];
    private final long[] micros = new long[INPUTS];
    private final String strategy = "host-hash";
    private int next;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(11);
        String[] names = new String[20];
        for (int i = 0; i < names.length; i++) {
            names[i] = "backend-" + i;
        }
        for (int i = 0; i < INPUTS; i++) {
            backends[i] = names[random.nextInt(names.length)];
            statuses[i] = random.nextInt(100) == 0 ? 503 : 200;
            micros[i] = (long) (50 * Math.pow(1000, random.nextDouble()));
        }
    }

    @Benchmark
    public void record() {
        int i = next;
        next = (i + 1) & (INPUTS - 1);
        int status = statuses[i];
        long in = 0;
        long out = 100;
        metrics.listener().record(status, in, out, micros[i]);
        if (!strategy.isEmpty()) {
            metrics.strategy(strategy).record(status, in, out, micros[i]);
        }
        metrics.backend(backends[i]).record(status, in, out, micros[i]);
    }

    @Benchmark
    public void noop(Blackhole bh) {
        int i = next;
        next = (i + 1) & (INPUTS - 1);
        bh.consume(statuses[i]);
        bh.consume(micros[i]);
        bh.consume(backends[i]);
        bh.consume(strategy);
    }
}
