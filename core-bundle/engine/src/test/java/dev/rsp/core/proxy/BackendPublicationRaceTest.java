package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.CoreConfigs;
import dev.rsp.core.backend.BackendPublisher;
import dev.rsp.core.backend.BackendResolver;
import dev.rsp.core.backend.PassiveHealth;
import dev.rsp.core.backend.SourcedBackends;
import dev.rsp.core.routing.RoutingTable;
import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.RoutingStrategy;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Regression (issue #17, item 6): two backend changes arrive while the routing build for the first is slow. The
 * snapshot in force still routes to a backend both changes removed; its address must still be there, so the request
 * reaches it (a removed backend finishes what it is sent) instead of failing to connect and being counted against it.
 */
class BackendPublicationRaceTest {

    StubBackend a;
    StubBackend b;
    StubBackend c;
    ProxyEngine engine;
    PassiveHealth health;
    ExecutorService builder;
    BackendPublisher publisher;
    final AtomicReference<CountDownLatch> slowBuild = new AtomicReference<>();

    @AfterEach
    void tearDown() throws IOException {
        CountDownLatch gate = slowBuild.getAndSet(null);
        if (gate != null) {
            gate.countDown();
        }
        if (engine != null) {
            engine.stop();
        }
        if (builder != null) {
            builder.shutdownNow();
        }
        for (StubBackend s : new StubBackend[] {a, b, c}) {
            if (s != null) {
                s.close();
            }
        }
    }

    /** The harness's test strategy, whose build waits for the gate while one is set. */
    private RoutingStrategy slowStrategy(CountDownLatch[] entered) {
        RoutingStrategy fast = ProxyHarness.testStrategy();
        return all -> {
            CountDownLatch gate = slowBuild.get();
            if (gate != null) {
                entered[0].countDown();
                try {
                    gate.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return fast.build(all);
        };
    }

    @Test
    void twoChangesDuringASlowBuildKeepTheRoutedBackendsAddress() throws Exception {
        StubBackend.Handler ok = (r, in, out) -> {
            StubBackend.readBody(r, in);
            StubBackend.respond(out, 200, "ok");
            return true;
        };
        a = new StubBackend("a", ok);
        b = new StubBackend("b", ok);
        c = new StubBackend("c", ok);
        Map<String, Object> props = new HashMap<>();
        props.put("http.listen", "127.0.0.1:0");
        props.put("loops", "1");
        props.put("routing.chain", ProxyHarness.STRATEGY);
        props.put("timeout.stop.ms", "2000");
        ProxySettings settings = ((ProxySettings.Valid) ProxySettings.from(CoreConfigs.with(props))).settings();
        builder = Executors.newSingleThreadExecutor();
        RoutingTable routing = new RoutingTable(builder);
        health = new PassiveHealth(settings.healthFailures(), settings.healthCooldownNanos(), System::nanoTime);
        engine = new ProxyEngine(settings, routing, health);
        engine.start();
        publisher = new BackendPublisher(Runnable::run, new BackendResolver(), engine::backends);
        CountDownLatch[] entered = {new CountDownLatch(1)};
        routing.strategyAdded(ProxyHarness.STRATEGY, slowStrategy(entered), 1, 0);

        Backend backendA = new Backend("a", "127.0.0.1", a.port(), 1);
        Backend backendB = new Backend("b", "127.0.0.1", b.port(), 1);
        Backend backendC = new Backend("c", "127.0.0.1", c.port(), 1);
        publish(new Backends(1, List.of(backendA, backendB)));
        assertTrue(ProxyHarness.await(() -> routing.current().backends().named("b").isPresent()
                && routing.current().isLive(ProxyHarness.STRATEGY), 5000));
        assertEquals(200, getFromB());

        slowBuild.set(new CountDownLatch(1));
        publish(new Backends(2, List.of(backendA)));
        assertTrue(entered[0].await(5, TimeUnit.SECONDS), "the build for the first change started");
        publish(new Backends(3, List.of(backendA, backendC)));

        assertTrue(routing.current().backends().named("b").isPresent(), "the snapshot in force still routes to b");
        assertEquals(200, getFromB(), "b, removed but still routed to, is reached at its address");
        assertEquals(2, b.requests().size());
        assertEquals(0, engine.counters().get("backend.connect_failed"));
        PassiveHealth.BackendState stateOfB = health.snapshot().get("b");
        assertTrue(stateOfB == null || stateOfB.totalFailures() == 0, "nothing counted against b: " + stateOfB);

        slowBuild.getAndSet(null).countDown();
        assertTrue(ProxyHarness.await(() -> routing.current().backends().named("c").isPresent(), 5000));
    }

    /** Through the publisher, on this thread (resolving is quick for literals); the routing build is on its own. */
    private void publish(Backends backends) {
        publisher.offer(new SourcedBackends("test", backends.all()));
    }

    private int getFromB() throws IOException {
        try (TestClient client = new TestClient(engine.localAddress())) {
            client.send("GET / HTTP/1.1\r\nHost: x.example\r\nX-Backend: b\r\n\r\n");
            return client.read(false).status();
        }
    }
}
