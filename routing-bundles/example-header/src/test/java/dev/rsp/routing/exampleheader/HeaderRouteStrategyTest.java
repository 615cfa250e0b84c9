package dev.rsp.routing.exampleheader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.RequestHead;
import dev.rsp.spi.routing.Router;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class HeaderRouteStrategyTest {

    private static final Backends BACKENDS = new Backends(1, List.of(backend("demo-1"), backend("demo-2")));

    private final HeaderRouteStrategy strategy = new HeaderRouteStrategy();

    @Test
    void aHeaderNamingABackendRoutesThere() {
        Router router = strategy.build(BACKENDS);
        assertEquals(Decision.to("demo-2"), router.select(head(Map.of("x-route-to", "demo-2"))));
        assertEquals(Decision.to("demo-1"), router.select(head(Map.of("X-ROUTE-TO", "demo-1"))));
    }

    @Test
    void anythingElsePasses() {
        Router router = strategy.build(BACKENDS);
        assertEquals(Decision.pass(), router.select(head(Map.of())));
        assertEquals(Decision.pass(), router.select(head(Map.of("X-Route-To", ""))));
        assertEquals(Decision.pass(), router.select(head(Map.of("X-Route-To", "demo-3"))));
        assertEquals(Decision.pass(), router.select(head(Map.of("X-Route-To", "DEMO-1"))), "backend names are exact");
        assertEquals(Decision.pass(), router.select(head(Map.of("X-Other", "demo-1"))));
    }

    @Test
    void aRouterKnowsTheBackendsItWasBuiltFor() {
        Router before = strategy.build(BACKENDS);
        Router after = strategy.build(new Backends(2, List.of(backend("demo-1"), backend("demo-2"), backend("demo-3"))));
        RequestHead toNew = head(Map.of("X-Route-To", "demo-3"));
        assertEquals(Decision.pass(), before.select(toNew));
        assertEquals(Decision.to("demo-3"), after.select(toNew));
    }

    @Test
    void theHeaderNameIsConfigurable() {
        assertTrue(strategy.configure(" X-Backend "));
        Router router = strategy.build(BACKENDS);
        assertEquals(Decision.to("demo-1"), router.select(head(Map.of("x-backend", "demo-1"))));
        assertEquals(Decision.pass(), router.select(head(Map.of("X-Route-To", "demo-1"))));
    }

    @Test
    void aBadHeaderNameIsLoggedAndTheLastGoodOneStays() {
        PrintStream stderr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            assertTrue(strategy.configure("X-Backend"));
            assertFalse(strategy.configure("X Backend"));
            assertFalse(strategy.configure(""));
        } finally {
            System.setErr(stderr);
        }
        assertEquals("X-Backend", strategy.headerName());
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("ERROR dev.rsp.routing.exampleheader.HeaderRouteStrategy - rsp.routing.exampleheader: "
                + "header.name = 'X Backend' rejected: not a header field name; keeping 'X-Backend'"), text);
    }

    @Test
    void selectIsSafeFromManyThreadsAtOnce() throws Exception {
        Router router = strategy.build(BACKENDS);
        List<RequestHead> heads = List.of(head(Map.of("X-Route-To", "demo-1")), head(Map.of("X-Route-To", "demo-2")),
                head(Map.of("X-Route-To", "nope")), head(Map.of()));
        List<Decision> expected = List.of(Decision.to("demo-1"), Decision.to("demo-2"), Decision.pass(), Decision.pass());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                tasks.add(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        int k = i % heads.size();
                        if (!expected.get(k).equals(router.select(heads.get(k)))) {
                            return false;
                        }
                    }
                    return true;
                });
            }
            for (Future<Boolean> f : pool.invokeAll(tasks)) {
                assertTrue(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static Backend backend(String name) {
        return new Backend(name, "127.0.0.1", 9101, 1);
    }

    /** A GET / with these headers, looked up case-insensitively as the core does. */
    private static RequestHead head(Map<String, String> headers) {
        return new RequestHead() {
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
            public String host() {
                return "alice.example.com";
            }

            @Override
            public Optional<String> header(String name) {
                String lower = name.toLowerCase(Locale.ROOT);
                return headers.entrySet().stream().filter(e -> e.getKey().toLowerCase(Locale.ROOT).equals(lower))
                        .map(Map.Entry::getValue).findFirst();
            }

            @Override
            public InetSocketAddress clientAddress() {
                return new InetSocketAddress("127.0.0.1", 40000);
            }

            @Override
            public Optional<String> sni() {
                return Optional.empty();
            }
        };
    }
}
