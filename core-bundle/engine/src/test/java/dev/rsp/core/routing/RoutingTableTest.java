package dev.rsp.core.routing;

import static dev.rsp.core.routing.Fixtures.backends;
import static dev.rsp.core.routing.Fixtures.head;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.routing.Fixtures.ManualExecutor;
import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.RoutingStrategy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** How {@link RoutingTable} builds and publishes: threads, swaps, coalescing, duplicate names. */
class RoutingTableTest {

    private final ManualExecutor executor = new ManualExecutor();
    private final RoutingTable table = new RoutingTable(executor);

    /** A strategy that routes every request to {@code backend}, counting its builds. */
    private static final class Fixed implements RoutingStrategy {
        final String backend;
        final AtomicInteger builds = new AtomicInteger();
        final List<Backends> builtWith = Collections.synchronizedList(new ArrayList<>());

        Fixed(String backend) {
            this.backend = backend;
        }

        @Override
        public dev.rsp.spi.routing.Router build(Backends backends) {
            builds.incrementAndGet();
            builtWith.add(backends);
            return r -> Decision.to(backend);
        }
    }

    private String routedTo(RoutingSnapshot snapshot) {
        Routing routing = snapshot.route(head("x.example", "/"));
        return assertInstanceOf(Routing.Routed.class, routing, routing.toString()).candidates().get(0).name();
    }

    @Test
    void initialSnapshotIsEmpty() {
        RoutingSnapshot s = table.current();
        assertNotNull(s);
        assertEquals(List.of(), s.chain());
        assertEquals(List.of(), s.backends().all());
        assertEquals(0, executor.pending());
    }

    @Test
    void buildsRunOnTheBuilderExecutorNeverOnTheCaller() {
        Thread caller = Thread.currentThread();
        List<Thread> buildThreads = Collections.synchronizedList(new ArrayList<>());
        RoutingStrategy recording = b -> {
            buildThreads.add(Thread.currentThread());
            return r -> Decision.to("b1");
        };
        table.chainChanged(List.of("s"));
        table.strategyAdded("s", recording, 1, 0);
        table.backendsChanged(backends(1, "b1"));
        table.strategyModified("s", recording, 1, 0);
        assertEquals(List.of(), buildThreads, "nothing is built on the caller's thread");
        assertFalse(table.current().isLive("s"));

        ExecutorService single = Executors.newSingleThreadExecutor(r -> new Thread(r, "routing-builder"));
        try {
            RoutingTable threaded = new RoutingTable(single);
            List<Thread> listenerThreads = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch live = new CountDownLatch(1);
            threaded.onPublish(() -> {
                listenerThreads.add(Thread.currentThread());
                if (threaded.current().isLive("s")) {
                    live.countDown();
                }
            });
            threaded.chainChanged(List.of("s"));
            threaded.backendsChanged(backends(1, "b1"));
            threaded.strategyAdded("s", recording, 1, 0);
            assertTrue(live.await(10, TimeUnit.SECONDS), "router built and published");
            assertEquals("b1", routedTo(threaded.current()));
            assertFalse(buildThreads.isEmpty());
            buildThreads.forEach(t -> assertEquals("routing-builder", t.getName()));
            listenerThreads.forEach(t -> assertEquals("routing-builder", t.getName()));
            assertFalse(buildThreads.contains(caller));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            single.shutdownNow();
        }
    }

    @Test
    void aSnapshotTakenBeforeAChangeKeepsAnsweringTheOldWay() {
        table.chainChanged(List.of("s"));
        table.backendsChanged(backends(1, "old", "new"));
        table.strategyAdded("s", new Fixed("old"), 1, 0);
        executor.runAll();
        RoutingSnapshot before = table.current();

        table.strategyModified("s", new Fixed("new"), 1, 0);
        assertEquals("old", routedTo(table.current()), "previous router stays until the new one is built");
        executor.runAll();

        assertEquals("new", routedTo(table.current()));
        assertEquals("old", routedTo(before));
        table.strategyRemoved("s", null, 1);
        assertEquals("old", routedTo(before));
        assertInstanceOf(Routing.NoLiveStrategy.class, table.current().route(head("x.example", "/")));
    }

    @Test
    void backendChangesRebuildEveryStrategyAndSwapInOneSnapshot() {
        Fixed a = new Fixed("b1");
        Fixed b = new Fixed("b1");
        table.chainChanged(List.of("a", "b"));
        table.strategyAdded("a", a, 1, 0);
        table.strategyAdded("b", b, 2, 0);
        Backends first = backends(1, "b1");
        table.backendsChanged(first);
        executor.runAll();
        RoutingSnapshot before = table.current();

        Backends second = backends(2, "b1", "b2");
        table.backendsChanged(second);
        assertEquals(first, table.current().backends(), "old backends until the rebuild is done");
        executor.runAll();
        assertEquals(List.of(first, second), a.builtWith);
        assertEquals(List.of(first, second), b.builtWith);
        assertEquals(second, table.current().backends());
        assertEquals(first, before.backends());
    }

    @Test
    void removalPublishesAtOnceWithoutTheBuilder() {
        table.chainChanged(List.of("a", "b"));
        table.backendsChanged(backends(1, "ba", "bb"));
        table.strategyAdded("a", new Fixed("ba"), 1, 0);
        table.strategyAdded("b", new Fixed("bb"), 2, 0);
        executor.runAll();
        assertEquals("ba", routedTo(table.current()));

        table.strategyRemoved("a", null, 1);
        assertFalse(table.current().isLive("a"));
        assertEquals("bb", routedTo(table.current()), "published before any build round ran");
    }

    @Test
    void aServiceRemovedDuringItsBuildIsNotPublished() {
        table.chainChanged(List.of("s"));
        table.backendsChanged(backends(1, "b1"));
        RoutingStrategy removesItself = b -> {
            table.strategyRemoved("s", null, 1);
            return r -> Decision.to("b1");
        };
        table.strategyAdded("s", removesItself, 1, 0);
        executor.runAll();
        assertFalse(table.current().isLive("s"));
    }

    @Test
    void changesQueuedBeforeARoundAreCoalescedIntoOne() {
        List<Long> published = Collections.synchronizedList(new ArrayList<>());
        table.onPublish(() -> published.add(table.current().backends().generation()));
        Fixed s = new Fixed("b1");
        table.chainChanged(List.of("s"));
        table.strategyAdded("s", s, 1, 0);
        for (int g = 1; g <= 5; g++) {
            table.backendsChanged(backends(g, "b1"));
        }
        table.strategyModified("s", s, 1, 0);
        assertEquals(1, executor.pending(), "one round queued for all changes");

        assertEquals(1, executor.runAll());
        assertEquals(1, s.builds.get());
        assertEquals(5, s.builtWith.get(0).generation());
        assertEquals(List.of(5L), published);
        assertEquals("b1", routedTo(table.current()));
    }

    @Test
    void changesDuringARoundGoToTheNextRoundAndNoOlderStateIsPublishedLater() {
        List<Long> published = Collections.synchronizedList(new ArrayList<>());
        table.onPublish(() -> published.add(table.current().backends().generation()));
        AtomicInteger builds = new AtomicInteger();
        RoutingStrategy changesWhileBuilding = b -> {
            if (builds.incrementAndGet() == 1) {
                table.backendsChanged(backends(2, "b1", "b2"));
                table.backendsChanged(backends(3, "b1", "b2", "b3"));
            }
            return r -> Decision.to(b.all().get(b.all().size() - 1).name());
        };
        table.chainChanged(List.of("s"));
        table.backendsChanged(backends(1, "b1"));
        table.strategyAdded("s", changesWhileBuilding, 1, 0);

        assertTrue(executor.runNext());
        assertEquals("b1", routedTo(table.current()), "the round publishes what it built");
        assertEquals(1, executor.pending(), "the changes made meanwhile queued exactly one more round");
        executor.runAll();

        assertEquals(2, builds.get());
        assertEquals(List.of(1L, 3L), published);
        assertEquals("b3", routedTo(table.current()));
        assertEquals(3, table.current().backends().generation());
    }

    @Test
    void generationsPublishedByAThreadedBuilderNeverGoBack() throws InterruptedException {
        ExecutorService single = Executors.newSingleThreadExecutor();
        try {
            RoutingTable threaded = new RoutingTable(single);
            List<Long> published = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch last = new CountDownLatch(1);
            threaded.onPublish(() -> {
                long g = threaded.current().backends().generation();
                published.add(g);
                if (g == 500) {
                    last.countDown();
                }
            });
            threaded.chainChanged(List.of("s"));
            threaded.strategyAdded("s", new Fixed("b1"), 1, 0);
            for (int g = 1; g <= 500; g++) {
                threaded.backendsChanged(backends(g, "b1"));
            }
            assertTrue(last.await(10, TimeUnit.SECONDS));
            List<Long> seen = new ArrayList<>(published);
            for (int i = 1; i < seen.size(); i++) {
                assertTrue(seen.get(i) >= seen.get(i - 1), "published " + seen);
            }
        } finally {
            single.shutdownNow();
        }
    }

    @Test
    void duplicateNamesUseHighestRankingThenLowestIdAndRemovalPromotes() {
        table.chainChanged(List.of("s"));
        table.backendsChanged(backends(1, "low", "first", "second"));
        Fixed low = new Fixed("low");
        Fixed first = new Fixed("first");
        Fixed second = new Fixed("second");
        table.strategyAdded("s", low, 1, -5);
        table.strategyAdded("s", second, 7, 10);
        table.strategyAdded("s", first, 3, 10);
        executor.runAll();
        assertEquals("first", routedTo(table.current()));
        assertEquals(0, low.builds.get(), "waiting services are not built");
        assertEquals(0, second.builds.get());

        table.strategyRemoved("s", first, 3);
        assertFalse(table.current().isLive("s"), "the removed winner's router is gone at once");
        executor.runAll();
        assertEquals("second", routedTo(table.current()));

        table.strategyModified("s", low, 1, 100);
        assertEquals("second", routedTo(table.current()), "the previous winner serves until the new one is built");
        executor.runAll();
        assertEquals("low", routedTo(table.current()));
    }

    @Test
    void failedBuildsKeepThePreviousRouterOrLeaveTheStrategyNotLive() {
        table.chainChanged(List.of("s"));
        table.backendsChanged(backends(1, "b1"));
        table.strategyAdded("s", b -> {
            throw new IllegalStateException("cannot build");
        }, 1, 0);
        executor.runAll();
        assertFalse(table.current().isLive("s"));

        table.strategyModified("s", new Fixed("b1"), 1, 0);
        executor.runAll();
        assertEquals("b1", routedTo(table.current()));

        table.strategyModified("s", b -> null, 1, 0);
        executor.runAll();
        assertEquals("b1", routedTo(table.current()), "a null router keeps the previous one");

        table.backendsChanged(backends(2, "b1", "b2"));
        executor.runAll();
        assertEquals("b1", routedTo(table.current()));
        assertEquals(2, table.current().backends().generation());
    }

    @Test
    void aRenamedServiceLeavesItsOldNameAtOnce() {
        table.chainChanged(List.of("old", "new"));
        table.backendsChanged(backends(1, "b1"));
        Fixed s = new Fixed("b1");
        table.strategyAdded("old", s, 1, 0);
        executor.runAll();
        assertTrue(table.current().isLive("old"));

        table.strategyModified("new", s, 1, 0);
        assertFalse(table.current().isLive("old"));
        executor.runAll();
        assertTrue(table.current().isLive("new"));
        assertEquals("new", ((Routing.Routed) table.current().route(head("x.example", "/"))).strategy());
    }

    @Test
    void chainNamesAreTrimmedAndValidated() {
        table.chainChanged(List.of(" reload-path ", "host-hash"));
        assertEquals(List.of("reload-path", "host-hash"), table.current().chain());
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
                () -> table.chainChanged(List.of("host-hash", "lua", " host-hash")));
        assertTrue(dup.getMessage().contains("host-hash"), dup.getMessage());
        assertThrows(IllegalArgumentException.class, () -> table.chainChanged(List.of("a", " ")));
        assertEquals(List.of("reload-path", "host-hash"), table.current().chain(), "a rejected chain changes nothing");
    }

    @Test
    void countersSurviveSnapshotSwaps() {
        table.chainChanged(List.of("s"));
        table.backendsChanged(backends(1, "b1"));
        table.strategyAdded("s", new Fixed("b1"), 1, 0);
        executor.runAll();
        RoutingSnapshot first = table.current();
        first.route(head("x.example", "/"));
        table.backendsChanged(backends(2, "b1"));
        executor.runAll();
        table.current().route(head("x.example", "/"));
        first.route(head("x.example", "/"));
        StrategyStats stats = table.stats().get("s");
        assertEquals(3, stats.routed());
        table.strategyRemoved("s", null, 1);
        assertEquals(3, table.stats().get("s").routed());
    }

    @Test
    void publishListenersRunAfterEveryRound() {
        AtomicInteger calls = new AtomicInteger();
        table.onPublish(calls::incrementAndGet);
        table.onPublish(() -> {
            throw new IllegalStateException("listener bug");
        });
        table.chainChanged(List.of("s"));
        executor.runAll();
        assertEquals(1, calls.get());
        table.strategyAdded("s", new Fixed("b1"), 1, 0);
        table.backendsChanged(backends(1, "b1"));
        executor.runAll();
        assertEquals(2, calls.get());
        Backend b1 = table.current().backends().named("b1").orElseThrow();
        assertEquals(new Routing.Routed(List.of(b1), "s"), table.current().route(head("x.example", "/")));
    }
}
