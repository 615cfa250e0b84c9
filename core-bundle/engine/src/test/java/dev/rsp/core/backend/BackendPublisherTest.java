package dev.rsp.core.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.backend.HostLookup.ServiceTarget;
import dev.rsp.spi.routing.Backend;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Socket-free, on a fake clock and a fake DNS: generations, coalescing, one source; names looked up once and again
 * when their TTL is due, moves published in the same generation, the last good answer held, SRV names expanded.
 */
class BackendPublisherTest {

    /** Queues tasks; the test runs them, as the publisher's thread would. */
    static final class Queue implements Executor {
        final Deque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            while (!tasks.isEmpty()) {
                tasks.poll().run();
            }
        }
    }

    static final long S = TimeUnit.SECONDS.toNanos(1);
    final Queue queue = new Queue();
    final FakeDns dns = new FakeDns();
    final AtomicLong now = new AtomicLong(100 * S);
    final BackendResolver resolver = new BackendResolver(s -> dns, now::get, new SplittableRandom(7));
    final List<BackendDirectory> published = new ArrayList<>();
    final BackendPublisher publisher = new BackendPublisher(queue, resolver, published::add);

    BackendPublisherTest() {
        // no jitter: due times are exact
        resolver.settings(new DnsSettings(List.of(), "", S, 300 * S, 0, 30 * S, 2 * S, 5 * S));
    }

    static Backend backend(String name, String host) {
        return new Backend(name, host, 8080, 1);
    }

    void offer(String source, Backend... backends) {
        publisher.offer(new SourcedBackends(source, List.of(backends)));
        queue.runAll();
    }

    /** The clock moves on and the publisher's tick runs (answers included). */
    void after(long seconds) {
        now.addAndGet(seconds * S);
        publisher.refresh();
        queue.runAll();
    }

    String address(String name) {
        Backend b = publisher.current().orElseThrow().backends().named(name).orElseThrow();
        InetSocketAddress a = publisher.current().orElseThrow().address(b);
        return a.isUnresolved() ? "unresolved" : a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    List<String> names() {
        return publisher.current().orElseThrow().backends().all().stream().map(Backend::name).toList();
    }

    @Test
    void thePublisherNumbersSetsAndCoalescesOffersQueuedBehindOneAnother() {
        dns.host("web1", 60, "10.0.0.1").host("web2", 60, "10.0.0.2");
        offer("file", backend("a", "web1"));
        publisher.offer(new SourcedBackends("file", List.of(backend("a", "web1"), backend("b", "web2"))));
        publisher.offer(new SourcedBackends("file", List.of(backend("b", "web2"))));
        queue.runAll();
        assertEquals(2, published.size(), "the two queued offers became one publication");
        assertEquals(1, published.get(0).backends().generation());
        assertEquals(2, published.get(1).backends().generation());
        assertEquals(List.of("b"), names());

        offer("file", backend("b", "web2"));
        assertEquals(2, published.size(), "an unchanged set is not published again");
    }

    @Test
    void aSecondSourceIsRefused() {
        dns.host("web1", 60, "10.0.0.1");
        offer("file", backend("a", "web1"));
        offer("etcd", backend("x", "web1"));
        assertEquals(1, published.size());
        assertEquals(List.of("a"), names());
    }

    /** etcd put in force while rsp runs, then taken away: the file's latest set comes back at once. */
    @Test
    void useSwitchesTheSourceInForceAndBack() {
        dns.host("web1", 60, "10.0.0.1");
        offer("rsp.backends", backend("a", "web1"));
        queue.runAll();
        publisher.use("rsp.etcd");
        queue.runAll();
        assertEquals(List.of("a"), names(), "the backends in force stay until the new source offers");
        offer("rsp.etcd", backend("e", "web1"));
        offer("rsp.backends", backend("b", "web1"));
        queue.runAll();
        assertEquals(List.of("e"), names(), "the file's change is kept, not applied");
        publisher.use("rsp.backends");
        queue.runAll();
        assertEquals(List.of("b"), names(), "the file's latest set");
        assertEquals(3, published.size());
    }

    @Test
    void aNameIsLookedUpOnceAndAgainOnlyWhenItsTtlIsDue() {
        dns.host("web1", 10, "10.0.0.1");
        offer("file", backend("a", "web1"));
        assertEquals("10.0.0.1:8080", address("a"), "resolved before its first publication");
        offer("file", backend("a", "web1"), backend("a2", "web1"));
        assertEquals(1, dns.lookups("web1"), "one lookup for a host used twice, kept across the change");

        after(9);
        assertEquals(1, dns.lookups("web1"), "TTL 10 s not over");
        after(1);
        assertEquals(2, dns.lookups("web1"));
        assertEquals(2, published.size(), "nothing moved: nothing published");
    }

    @Test
    void literalsAndLocalhostAreNeverLookedUp() {
        offer("file", backend("a", "10.1.2.3"), backend("b", "localhost"), backend("c", "::1"));
        after(400);
        assertTrue(dns.lookups.isEmpty(), dns.lookups.toString());
        assertEquals("10.1.2.3:8080", address("a"));
        assertFalse(address("b").equals("unresolved"));
        assertEquals("0:0:0:0:0:0:0:1:8080", address("c"));
    }

    @Test
    void aMovedHostIsPublishedWithTheSameBackendsAndNewPoolKeys() {
        dns.host("web1", 5, "10.0.0.1");
        offer("file", backend("a", "web1"));
        BackendDirectory before = publisher.current().orElseThrow();

        dns.host("web1", 5, "10.0.0.9");
        after(4);
        assertEquals("10.0.0.1:8080", address("a"), "the old answer stands until its TTL");
        after(1);
        BackendDirectory after = publisher.current().orElseThrow();
        assertSame(before.backends(), after.backends(), "same set, same generation: no router is rebuilt");
        assertEquals("10.0.0.9:8080", address("a"));
        assertNotEquals(before.poolKey(backend("a", "web1")), after.poolKey(backend("a", "web1")),
                "connections to the old address are not reused");
    }

    @Test
    void answersArriveLaterWithoutBlockingThePublisher() {
        dns.host("web1", 5, "10.0.0.1");
        offer("file", backend("a", "web1"));
        dns.held = true;
        dns.host("web1", 5, "10.0.0.2");
        after(5);
        assertEquals("10.0.0.1:8080", address("a"), "the lookup is under way; nothing waited for it");
        dns.answerAll();
        queue.runAll();
        assertEquals("10.0.0.2:8080", address("a"));
    }

    @Test
    void aFailingHostKeepsItsLastAddressForTheHoldAndANeverResolvedOneStaysUnresolved() {
        dns.host("web1", 5, "10.0.0.1");
        offer("file", backend("a", "web1"), backend("b", "nowhere"));
        assertEquals("unresolved", address("b"));

        dns.hosts.remove("web1");
        after(5);
        assertEquals("10.0.0.1:8080", address("a"), "the last good address is kept");
        after(20);
        assertEquals("10.0.0.1:8080", address("a"), "25 s of failures, within dns.hold.ms (30 s)");
        after(10);
        assertEquals("unresolved", address("a"), "the hold ran out");
        assertEquals(1, resolver.counters().expired());

        dns.host("nowhere", 5, "10.0.0.7");
        after(2);
        assertEquals("10.0.0.7:8080", address("b"), "a failed name is tried again after dns.retry.ms");
    }

    @Test
    void anSrvNameExpandsToItsLowestPriorityTargetsAndFollowsItsTtl() {
        dns.service("_http._tcp.api.internal", 30,
                new ServiceTarget(1, 10, 8081, "web1.internal"),
                new ServiceTarget(1, 30, 8082, "web2.internal"),
                new ServiceTarget(2, 10, 8083, "spare.internal"));
        dns.host("web1.internal", 60, "10.0.0.1").host("web2.internal", 60, "10.0.0.2");
        offer("file", backend("api", "_http._tcp.api.internal"), backend("static", "10.9.9.9"));
        assertEquals(List.of("api/web1.internal:8081", "api/web2.internal:8082", "static"), names());
        assertEquals(30, publisher.current().orElseThrow().backends().named("api/web2.internal:8082").orElseThrow()
                .weight());
        assertEquals("10.0.0.2:8082", address("api/web2.internal:8082"));
        assertEquals(0, dns.lookups("spare.internal"), "a target left out is not resolved");
        long generation = publisher.current().orElseThrow().backends().generation();

        dns.service("_http._tcp.api.internal", 30,
                new ServiceTarget(1, 10, 8081, "web1.internal"),
                new ServiceTarget(1, 30, 8082, "web2.internal"),
                new ServiceTarget(1, 20, 8084, "web3.internal"));
        dns.host("web3.internal", 60, "10.0.0.3");
        after(29);
        assertEquals(3, names().size(), "the SRV answer holds for its TTL");
        after(1);
        assertEquals(List.of("api/web1.internal:8081", "api/web2.internal:8082", "api/web3.internal:8084", "static"),
                names());
        assertEquals(generation + 1, publisher.current().orElseThrow().backends().generation(),
                "new targets are a new set");
        assertEquals("10.0.0.3:8084", address("api/web3.internal:8084"), "a new target is resolved before it is published");

        dns.service("_http._tcp.api.internal", 30, new ServiceTarget(1, 10, 8081, "web1.internal"));
        after(30);
        assertEquals(List.of("api/web1.internal:8081", "static"), names());
    }

    @Test
    void anSrvNameThatNeverResolvesExpandsToNothingUntilItDoes() {
        offer("file", backend("api", "_http._tcp.api.internal"), backend("static", "10.9.9.9"));
        assertEquals(List.of("static"), names());
        dns.service("_http._tcp.api.internal", 30, new ServiceTarget(0, 0, 8081, "10.0.0.5"));
        after(2);
        assertEquals(List.of("api/10.0.0.5:8081", "static"), names());
        assertEquals("10.0.0.5:8081", address("api/10.0.0.5:8081"), "a literal target is not looked up");
    }

    @Test
    void aChangeOfTuningAloneIsPublishedWithTheSameBackendsAndSrvTargetsTakeTheirConfiguredBackends() {
        List<Backend> set = List.of(backend("a", "127.0.0.1"));
        BackendTuning quick = new BackendTuning(S, 0, 1);
        publisher.offer(new SourcedBackends("file", set));
        queue.runAll();
        publisher.offer(new SourcedBackends("file", set, java.util.Map.of("a", quick)));
        queue.runAll();
        assertEquals(2, published.size(), "the second set differs only in its tuning, and is published");
        assertEquals(published.get(0).backends(), published.get(1).backends(), "strategies see the same set");
        assertEquals(quick, published.get(1).tuning(set.get(0)));
        assertEquals(BackendTuning.NONE, published.get(0).tuning(set.get(0)));
        assertEquals(quick, published.get(1).tuning(new Backend("a/8443", "t1.example", 8443, 1)), "an SRV target of a");
        assertEquals(BackendTuning.NONE, published.get(1).tuning(new Backend("b", "127.0.0.1", 80, 1)));
    }
}
