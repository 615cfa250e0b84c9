package dev.rsp.core.routing;

import static dev.rsp.core.routing.Fixtures.backends;
import static dev.rsp.core.routing.Fixtures.head;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.rsp.core.routing.Fixtures.ManualExecutor;
import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.RequestHead;
import dev.rsp.spi.routing.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What {@link RoutingSnapshot#route} answers, with small lambda strategies. */
class RoutingSnapshotTest {

    private final ManualExecutor executor = new ManualExecutor();
    private final RoutingTable table = new RoutingTable(executor);
    private long nextId = 1;

    private void register(String name, Router router) {
        table.strategyAdded(name, backends -> router, nextId++, 0);
    }

    private RoutingSnapshot ready(List<String> chain, String... backendNames) {
        table.backendsChanged(backends(1, backendNames));
        table.chainChanged(chain);
        executor.runAll();
        return table.current();
    }

    private static List<String> names(Routing routing) {
        return assertInstanceOf(Routing.Routed.class, routing).candidates().stream().map(Backend::name).toList();
    }

    @Test
    void chainIsAskedInOrder() {
        register("a", r -> Decision.to("a1"));
        register("b", r -> Decision.to("b1"));
        RoutingSnapshot ab = ready(List.of("a", "b"), "a1", "b1");
        assertEquals(new Routing.Routed(List.of(ab.backends().named("a1").orElseThrow()), "a"), ab.route(head("x.example", "/")));
        table.chainChanged(List.of("b", "a"));
        Routing routed = table.current().route(head("x.example", "/"));
        assertEquals(List.of("b1"), names(routed));
        assertEquals("b", ((Routing.Routed) routed).strategy());
    }

    @Test
    void passGoesToTheNextStrategy() {
        register("a", r -> Decision.pass());
        register("b", r -> Decision.to("b1"));
        RoutingSnapshot s = ready(List.of("a", "b"), "b1");
        assertEquals(List.of("b1"), names(s.route(head("x.example", "/"))));
        assertEquals(1, table.stats().get("a").passed());
        assertEquals(1, table.stats().get("b").routed());
    }

    @Test
    void rehostContinuesWithTheRestOfTheChainWithTheCanonicalHost() {
        AtomicInteger firstAsked = new AtomicInteger();
        List<RequestHead> echoSaw = new ArrayList<>();
        register("first", r -> {
            firstAsked.incrementAndGet();
            return Decision.pass();
        });
        register("reload-path", r -> r.path().startsWith("/reload/") ? Decision.rehost("Fred.Example.COM.") : Decision.pass());
        register("host-echo", r -> {
            echoSaw.add(r);
            return Decision.to(r.host());
        });
        RoutingSnapshot s = ready(List.of("first", "reload-path", "host-echo"), "fred.example.com", "alice.example.com");

        Routing routed = s.route(head("alice.example.com", "/reload/x"));

        assertEquals(List.of("fred.example.com"), names(routed));
        assertEquals("host-echo", ((Routing.Routed) routed).strategy());
        assertEquals(1, firstAsked.get(), "strategies before the rehosting one are not asked again");
        RequestHead seen = echoSaw.get(0);
        assertEquals("fred.example.com", seen.host());
        assertEquals("/reload/x", seen.path());
        assertEquals("GET", seen.method());
        assertEquals("yes", seen.header("X-Test").orElseThrow());
        assertEquals(1, table.stats().get("reload-path").rehosted());
        assertEquals(List.of("alice.example.com"), names(s.route(head("alice.example.com", "/other"))));
    }

    @Test
    void invalidRehostIsCountedAndPasses() {
        register("bad", r -> Decision.rehost("user@evil.example"));
        register("host-echo", r -> Decision.to(r.host()));
        RoutingSnapshot s = ready(List.of("bad", "host-echo"), "alice.example.com");
        assertEquals(List.of("alice.example.com"), names(s.route(head("alice.example.com", "/"))));
        assertEquals(1, table.stats().get("bad").invalidRehost());
    }

    @Test
    void rehostsPerRequestAreBounded() {
        List<String> chain = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            String host = "h" + i + ".example";
            register("r" + i, r -> Decision.rehost(host));
            chain.add("r" + i);
        }
        register("host-echo", r -> Decision.to(r.host()));
        chain.add("host-echo");
        RoutingSnapshot s = ready(chain, "h4.example", "h5.example", "h6.example");
        assertEquals(List.of("h4.example"), names(s.route(head("a.example", "/"))));
        assertEquals(1, table.stats().get("r4").rehosted());
        assertEquals(1, table.stats().get("r5").errors());
        assertEquals(1, table.stats().get("r6").errors());
    }

    @Test
    void unknownBackendNamesAreDroppedAndCounted() {
        register("a", r -> r.host().equals("all-unknown.example")
                ? Decision.to(List.of("nope"))
                : Decision.to(List.of("nope", "b2", "nope2", "b1", "b2")));
        register("b", r -> Decision.to("b1"));
        RoutingSnapshot s = ready(List.of("a", "b"), "b1", "b2");

        assertEquals(List.of("b2", "b1"), names(s.route(head("x.example", "/"))));
        assertEquals(2, table.stats().get("a").unknownBackend());

        Routing fallback = s.route(head("all-unknown.example", "/"));
        assertEquals("b", assertInstanceOf(Routing.Routed.class, fallback).strategy());
        assertEquals(3, table.stats().get("a").unknownBackend());
        assertEquals(1, table.stats().get("a").passed());
    }

    @Test
    void exceptionsAndNullAnswersAreCountedAsErrorsAndPass() {
        register("thrower", r -> {
            throw new IllegalStateException("boom");
        });
        register("null", r -> null);
        register("last", r -> Decision.to("b1"));
        RoutingSnapshot s = ready(List.of("thrower", "null", "last"), "b1");
        assertEquals(List.of("b1"), names(s.route(head("x.example", "/"))));
        assertEquals(1, table.stats().get("thrower").errors());
        assertEquals(1, table.stats().get("null").errors());
        assertEquals(1, table.stats().get("last").routed());
    }

    @Test
    void noLiveStrategyWhenNoChainNameHasARouter() {
        assertEquals(new Routing.NoLiveStrategy(List.of()), table.current().route(head("x.example", "/")));
        register("other", r -> Decision.to("b1"));
        RoutingSnapshot s = ready(List.of("reload-path", "host-hash"), "b1");
        assertEquals(new Routing.NoLiveStrategy(List.of("reload-path", "host-hash")), s.route(head("x.example", "/")));
    }

    @Test
    void missingNamesAreSkipped() {
        register("host-hash", r -> Decision.to("b1"));
        RoutingSnapshot s = ready(List.of("reload-path", "host-hash"), "b1");
        assertEquals(List.of("b1"), names(s.route(head("x.example", "/"))));
    }

    @Test
    void unroutedWhenEveryLiveStrategyPasses() {
        register("reload-path", r -> Decision.pass());
        register("host-hash", r -> Decision.pass());
        RoutingSnapshot s = ready(List.of("reload-path", "host-hash"), "b1");
        assertEquals(new Routing.Unrouted("no strategy in [reload-path, host-hash] chose a backend"),
                s.route(head("x.example", "/")));
    }
}
