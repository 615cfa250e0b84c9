package dev.rsp.routing.lua;

import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.RequestHead;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * Cost of one lua decision as a network thread pays it: {@code route(req)} of the typical rule (a host suffix match
 * plus a header check, the shipped etc/rules.lua) through {@link LuaRouter#select}, over a fixed-seed set of 4096
 * requests (1 in 8 on a static host, 1 in 8 with the canary header, the rest passed). {@code metered=false} runs
 * the same state without the budget hook, to show the hook's overhead; {@code rule=loop} is a rule that runs a
 * loop of 40 iterations, where the per-instruction hook weighs most. It lives in the lua bundle's package (in this
 * jar only) because the router is not public API. Run: {@code java -jar bench/jmh/target/benchmarks.jar LuaRoute}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LuaRouteBenchmark {

    static final String TYPICAL = """
            local STATIC = ".static.example.com"
            local function endsWith(s, suffix)
              return #s >= #suffix and s:sub(-#suffix) == suffix
            end
            function route(req)
              if endsWith(req.host, STATIC) then
                return { "demo-3", "demo-1" }
              end
              if req.header("X-Canary") == "1" then
                return "demo-2"
              end
              return nil
            end
            """;

    static final String LOOP = """
            local suffixes = {}
            for i = 1, 40 do suffixes[i] = ".tenant" .. i .. ".example.com" end
            function route(req)
              local host = req.host
              for i = 1, #suffixes do
                local s = suffixes[i]
                if host:sub(-#s) == s then return "demo-1" end
              end
              return nil
            end
            """;

    private static final int REQUESTS = 4096;

    @Param({"typical", "loop"})
    public String rule;

    @Param({"true", "false"})
    public boolean metered;

    private ScriptState state;
    private RuleErrors errors;
    private Head[] heads;
    private int next;

    @Setup
    public void setUp() {
        List<Backend> list = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            list.add(new Backend("demo-" + i, "127.0.0.1", 9100 + i, 1));
        }
        CompiledScript.Outcome o = CompiledScript.compile(rule.equals("loop") ? LOOP : TYPICAL, "rules.lua", Budget.DEFAULT);
        CompiledScript script = ((CompiledScript.Compiled) o).script();
        state = new ScriptState(script, new Answers(new Backends(1, list)));
        if (!metered) {
            state.unmeteredForBenchmark();
        }
        errors = new RuleErrors();
        SplittableRandom random = new SplittableRandom(2024);
        heads = new Head[REQUESTS];
        for (int i = 0; i < REQUESTS; i++) {
            StringBuilder label = new StringBuilder();
            for (int j = 3 + random.nextInt(14); j > 0; j--) {
                label.append((char) ('a' + random.nextInt(26)));
            }
            int kind = random.nextInt(8);
            heads[i] = new Head(label + (kind == 0 ? ".static.example.com" : ".example.com"), kind == 1 ? "1" : null);
        }
    }

    /** One decision for the next pre-generated request (what LuaRouter.select does after its thread-local). */
    @Benchmark
    public Decision route() {
        return state.call(heads[next++ & (REQUESTS - 1)], errors);
    }

    /** A request head with a host and an optional X-Canary header. */
    record Head(String host, String canary) implements RequestHead {
        private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);

        @Override
        public String method() {
            return "GET";
        }

        @Override
        public String path() {
            return "/";
        }

        @Override
        public String query() {
            return "";
        }

        @Override
        public Optional<String> header(String name) {
            return canary != null && name.equalsIgnoreCase("X-Canary") ? Optional.of(canary) : Optional.empty();
        }

        @Override
        public InetSocketAddress clientAddress() {
            return CLIENT;
        }

        @Override
        public Optional<String> sni() {
            return Optional.empty();
        }
    }
}
