package dev.rsp.routing.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rsp.spi.routing.Decision;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Several threads call select on one router at once (as the core's loops do), with fixed seeds: every answer must be
 * the one the rule gives, including for requests that fail, and errors must be counted exactly.
 */
class ConcurrencyTest {

    static final String RULE = """
            local function bucket(host)
              local n = 0
              for i = 1, #host do n = (n * 31 + host:byte(i)) % 1000003 end
              return n % 3 + 1
            end
            function route(req)
              if req.path == "/loop" then while true do end end
              if req.header("X-Canary") == "1" then return "demo-2" end
              if req.host:sub(-19) == ".static.example.com" then return {"demo-3", "demo-1"} end
              return backends[bucket(req.host)]
            end
            """;

    @Test
    void threadsCallingOneRouterGetTheRulesAnswers() throws Exception {
        RuleErrors errors = new RuleErrors();
        LuaRouter router = Scripts.router(RULE, errors);
        int threads = 4;
        int perThread = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Long>> loops = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = 42 + t;
                loops.add(pool.submit((Callable<Long>) () -> run(router, new SplittableRandom(seed), perThread)));
            }
            long failures = 0;
            for (Future<Long> f : loops) {
                failures += f.get(120, TimeUnit.SECONDS);
            }
            assertEquals(failures, errors.count(RuleErrors.Kind.BUDGET));
            assertEquals(failures, errors.total());
        } finally {
            pool.shutdownNow();
        }
    }

    private static long run(LuaRouter router, SplittableRandom r, int n) {
        long loops = 0;
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(100);
            String host = "site-" + r.nextInt(1000) + (kind < 20 ? ".static.example.com" : ".example.com");
            TestHead head = TestHead.get(host, kind == 99 ? "/loop" : "/");
            if (kind >= 20 && kind < 40) {
                head = head.withHeader("X-Canary", "1");
            }
            Object expected = expected(head);
            if (kind == 99) {
                loops++;
            }
            assertEquals(expected, Scripts.decide(router, head), head.toString());
        }
        return loops;
    }

    private static Object expected(TestHead head) {
        if (head.path().equals("/loop")) {
            return Scripts.FAILED;
        }
        if (head.header("X-Canary").isPresent()) {
            return Decision.to("demo-2");
        }
        if (head.host().endsWith(".static.example.com")) {
            return Decision.to(List.of("demo-3", "demo-1"));
        }
        long n = 0;
        for (byte b : head.host().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)) {
            n = (n * 31 + b) % 1000003;
        }
        return Decision.to("demo-" + (n % 3 + 1));
    }
}
