package dev.rsp.core.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.spi.routing.Backend;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/** Socket-free: generations, coalescing, one source, and the resolver's cache, refresh and last good address. */
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

    /** Answers from a map the test edits; a missing name is unknown. Counts lookups. */
    static final class Dns implements BackendResolver.Lookup {
        final Map<String, String> records = new HashMap<>();
        int lookups;

        @Override
        public InetAddress lookup(String host) throws UnknownHostException {
            lookups++;
            String ip = records.get(host);
            if (ip == null) {
                throw new UnknownHostException(host + ": no such name");
            }
            return InetAddress.getByAddress(host, InetAddress.getByName(ip).getAddress());
        }
    }

    final Queue queue = new Queue();
    final Dns dns = new Dns();
    final List<BackendDirectory> published = new ArrayList<>();
    final BackendPublisher publisher = new BackendPublisher(queue, new BackendResolver(dns), published::add);

    static Backend backend(String name, String host) {
        return new Backend(name, host, 8080, 1);
    }

    void offer(String source, Backend... backends) {
        publisher.offer(new SourcedBackends(source, List.of(backends)));
    }

    @Test
    void thePublisherNumbersSetsAndCoalescesOffersQueuedBehindOneAnother() {
        dns.records.put("web1", "10.0.0.1");
        dns.records.put("web2", "10.0.0.2");
        offer("file", backend("a", "web1"));
        queue.runAll();
        offer("file", backend("a", "web1"), backend("b", "web2"));
        offer("file", backend("b", "web2"));
        assertTrue(publisher.current().isPresent(), "the first set is published");
        queue.runAll();
        assertEquals(2, published.size(), "the two queued offers became one publication");
        assertEquals(1, published.get(0).backends().generation());
        assertEquals(2, published.get(1).backends().generation());
        assertEquals(List.of("b"), published.get(1).backends().all().stream().map(Backend::name).toList());

        offer("file", backend("b", "web2"));
        queue.runAll();
        assertEquals(2, published.size(), "an unchanged set is not published again");
    }

    @Test
    void aSecondSourceIsRefused() {
        dns.records.put("web1", "10.0.0.1");
        offer("file", backend("a", "web1"));
        queue.runAll();
        offer("etcd", backend("x", "web1"));
        queue.runAll();
        assertEquals(1, published.size());
        assertEquals("a", publisher.current().orElseThrow().backends().all().get(0).name());
    }

    /** etcd put in force while rsp runs, then taken away: the file's latest set comes back at once. */
    @Test
    void useSwitchesTheSourceInForceAndBack() {
        dns.records.put("web1", "10.0.0.1");
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

    List<String> names() {
        return publisher.current().orElseThrow().backends().all().stream().map(Backend::name).toList();
    }

    @Test
    void knownHostsAreNotLookedUpAgainOnAChangeButOnARefresh() {
        dns.records.put("web1", "10.0.0.1");
        offer("file", backend("a", "web1"));
        queue.runAll();
        offer("file", backend("a", "web1"), backend("a2", "web1"));
        queue.runAll();
        assertEquals(1, dns.lookups, "one lookup for a host used twice, kept across the change");

        publisher.refresh();
        queue.runAll();
        assertEquals(2, dns.lookups);
        assertEquals(2, published.size(), "nothing moved: nothing published");
    }

    @Test
    void aMovedHostIsPublishedWithTheSameBackendsAndNewPoolKeys() {
        dns.records.put("web1", "10.0.0.1");
        offer("file", backend("a", "web1"));
        queue.runAll();
        BackendDirectory before = publisher.current().orElseThrow();

        dns.records.put("web1", "10.0.0.9");
        publisher.refresh();
        queue.runAll();
        BackendDirectory after = publisher.current().orElseThrow();
        assertSame(before.backends(), after.backends(), "same set, same generation: no router is rebuilt");
        assertEquals("10.0.0.9", after.address(backend("a", "web1")).getAddress().getHostAddress());
        assertNotEquals(before.poolKey(backend("a", "web1")), after.poolKey(backend("a", "web1")),
                "connections to the old address are not reused");
    }

    @Test
    void aFailedLookupKeepsTheLastGoodAddressAndANeverResolvedHostStaysUnresolved() {
        dns.records.put("web1", "10.0.0.1");
        offer("file", backend("a", "web1"), backend("b", "nowhere"));
        queue.runAll();
        BackendDirectory first = publisher.current().orElseThrow();
        assertTrue(first.address(backend("b", "nowhere")).isUnresolved());

        dns.records.remove("web1");
        publisher.refresh();
        queue.runAll();
        InetSocketAddress a = publisher.current().orElseThrow().address(backend("a", "web1"));
        assertFalse(a.isUnresolved(), "the last good address is kept");
        assertEquals("10.0.0.1", a.getAddress().getHostAddress());

        dns.records.put("nowhere", "10.0.0.7");
        publisher.refresh();
        queue.runAll();
        assertEquals("10.0.0.7",
                publisher.current().orElseThrow().address(backend("b", "nowhere")).getAddress().getHostAddress());
    }
}
