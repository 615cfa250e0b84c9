package dev.rsp.testkit.routing;

import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.RequestHead;
import dev.rsp.spi.routing.Router;
import dev.rsp.spi.routing.RoutingStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Assertions on what a {@link Router} decides, for any test framework: a failed check throws an
 * {@link AssertionError} that names the request, the expected and the actual decision.
 *
 * <pre>{@code
 * RouterAssert.assertThat(strategy, TestBackends.named("demo-1", "demo-2"))
 *         .routesHost("alice.example.com", "demo-2")
 *         .routes(FakeRequest.get("x.example.com", "/api"), "demo-1", "demo-2")
 *         .passes(FakeRequest.get("x.example.com", "/other"));
 * }</pre>
 *
 * <p>Every check calls {@link Router#select} as the core would, and fails when it throws or returns {@code null}
 * (the core counts either against the strategy and treats it as a pass).
 */
public final class RouterAssert {

    private static final int THREADS = 4;
    private static final int CALLS_PER_THREAD = 10_000;

    private final Router router;

    private RouterAssert(Router router) {
        this.router = router;
    }

    /** Checks on this router. */
    public static RouterAssert assertThat(Router router) {
        if (router == null) {
            throw new AssertionError("the router is null");
        }
        return new RouterAssert(router);
    }

    /**
     * Builds the strategy's router for these backends, as the core's builder thread does, and checks on it.
     *
     * @throws AssertionError when {@code build} throws or returns {@code null} (the core would keep the previous router)
     */
    public static RouterAssert assertThat(RoutingStrategy strategy, Backends backends) {
        Router router;
        try {
            router = strategy.build(backends);
        } catch (RuntimeException e) {
            throw new AssertionError("build(" + backends + ") threw " + e
                    + " (the core logs it and keeps the strategy's previous router)", e);
        }
        if (router == null) {
            throw new AssertionError("build(" + backends + ") returned null (a strategy that cannot route returns a"
                    + " router that passes)");
        }
        return new RouterAssert(router);
    }

    /** The router's decision for {@code request}, checked to be neither an exception nor {@code null}. */
    public Decision decision(RequestHead request) {
        Decision d;
        try {
            d = router.select(request);
        } catch (RuntimeException e) {
            throw new AssertionError("select(" + request + ") threw " + e
                    + " (the core counts an error against the strategy and passes)", e);
        }
        if (d == null) {
            throw new AssertionError("select(" + request + ") returned null (the core counts it as an error and passes)");
        }
        return d;
    }

    /** Asserts that {@code request} is routed to exactly these backends, in this order of preference. */
    public RouterAssert routes(RequestHead request, String... backends) {
        return expect(request, Decision.to(List.of(backends)));
    }

    /** Asserts that {@code GET /} for {@code host} is routed to exactly these backends, in this order. */
    public RouterAssert routesHost(String host, String... backends) {
        return routes(FakeRequest.get(host), backends);
    }

    /** Asserts that the router leaves {@code request} to the next strategy in the chain. */
    public RouterAssert passes(RequestHead request) {
        return expect(request, Decision.pass());
    }

    /** Asserts that {@code request} is rehosted to {@code host} (compared as given, before the core canonicalizes). */
    public RouterAssert rehosts(RequestHead request, String host) {
        return expect(request, Decision.rehost(host));
    }

    /**
     * Asserts that the router answers these requests from {@value #THREADS} threads at once exactly as it answers
     * them from one: the core's network threads share a router. Fails after 60 s.
     */
    public RouterAssert answersTheSameFromManyThreads(RequestHead... requests) {
        List<Decision> expected = new ArrayList<>();
        for (RequestHead r : requests) {
            expected.add(decision(r));
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Callable<String>> tasks = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int offset = t;
                tasks.add(() -> {
                    for (int i = 0; i < CALLS_PER_THREAD; i++) {
                        int k = (i + offset) % requests.length;
                        Decision d = decision(requests[k]);
                        if (!expected.get(k).equals(d)) {
                            return requests[k] + ": " + d + " on one of many threads, " + expected.get(k) + " alone";
                        }
                    }
                    return null;
                });
            }
            for (Future<String> f : pool.invokeAll(tasks, 60, TimeUnit.SECONDS)) {
                String mismatch = f.isCancelled() ? "the calls did not finish within 60 s" : f.get();
                if (mismatch != null) {
                    throw new AssertionError(mismatch);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof AssertionError a ? a : new AssertionError(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return this;
    }

    private RouterAssert expect(RequestHead request, Decision expected) {
        Decision actual = decision(request);
        if (!expected.equals(actual)) {
            throw new AssertionError("select(" + request + "): expected " + describe(expected) + " but was "
                    + describe(actual));
        }
        return this;
    }

    private static String describe(Decision d) {
        if (d instanceof Decision.Route r) {
            return "a route to " + r.backends();
        }
        if (d instanceof Decision.Rehost r) {
            return "a rehost to '" + r.host() + "'";
        }
        return "a pass";
    }
}
