package dev.rsp.core.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.backend.HostLookup.Addresses;
import dev.rsp.core.backend.HostLookup.Answer;
import dev.rsp.core.backend.HostLookup.Failed;
import dev.rsp.core.backend.HostLookup.ServiceTarget;
import dev.rsp.core.backend.HostLookup.Services;
import dev.rsp.core.testing.Dnsmasq;
import dev.rsp.core.testing.ExternalPrograms;
import dev.rsp.spi.routing.Backend;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dnsjava against a real DNS server of the test's own (dnsmasq): TTLs, SRV records, failures, the hosts file, a
 * server that never answers; and the publisher following a record that changes, within its TTL and a little.
 */
class RealDnsTest {

    static final long S = TimeUnit.SECONDS.toNanos(1);

    @TempDir
    Path tmp;
    Dnsmasq dns;

    @BeforeEach
    void start() throws Exception {
        dns = Dnsmasq.start(tmp, "127.0.0.2 web.rsp.test\n127.0.0.5 api1.rsp.test\n", 1,
                "_http._tcp.api.rsp.test,api1.rsp.test,8081,0,10",
                "_http._tcp.api.rsp.test,api2.rsp.test,8082,0,30",
                "_http._tcp.api.rsp.test,spare.rsp.test,8083,5,10");
    }

    @AfterEach
    void stop() {
        if (dns != null) {
            dns.close();
        }
    }

    DnsSettings settings(String hostsFile, long timeoutMillis, InetSocketAddress... servers) {
        return new DnsSettings(List.of(servers), hostsFile, S, 300 * S, 0, 30 * S, S,
                TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
    }

    static Answer await(java.util.concurrent.CompletionStage<Answer> a) throws Exception {
        return a.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void addressesServicesAndFailuresComeWithTheirTtl() throws Exception {
        DnsjavaLookup lookup = new DnsjavaLookup(settings("", 2_000, dns.address()));
        Addresses web = assertInstanceOf(Addresses.class, await(lookup.addresses("web.rsp.test")));
        assertEquals(List.of(InetAddress.getByName("127.0.0.2")), web.addresses());
        assertEquals(1, web.ttlSeconds(), "dnsmasq's --local-ttl");

        Services api = assertInstanceOf(Services.class, await(lookup.services("_http._tcp.api.rsp.test")));
        assertEquals(List.of(new ServiceTarget(0, 10, 8081, "api1.rsp.test"), new ServiceTarget(0, 30, 8082, "api2.rsp.test"),
                new ServiceTarget(5, 10, 8083, "spare.rsp.test")),
                api.targets().stream().sorted(java.util.Comparator.comparing(ServiceTarget::port)).toList());

        Failed missing = assertInstanceOf(Failed.class, await(lookup.addresses("nowhere.rsp.test")));
        assertTrue(missing.reason().startsWith("no "), missing.reason());
    }

    @Test
    void theHostsFileIsConsultedFirst() throws Exception {
        Path hosts = tmp.resolve("hosts");
        Files.writeString(hosts, "10.1.1.1 web.rsp.test\n");
        DnsjavaLookup lookup = new DnsjavaLookup(settings(hosts.toString(), 2_000, dns.address()));
        Addresses web = assertInstanceOf(Addresses.class, await(lookup.addresses("web.rsp.test")));
        assertEquals(List.of(InetAddress.getByName("10.1.1.1")), web.addresses());
        assertEquals(300, web.ttlSeconds(), "hosts-file names are read again after dns.ttl.max.ms");
        Addresses api1 = assertInstanceOf(Addresses.class, await(lookup.addresses("api1.rsp.test")));
        assertEquals(List.of(InetAddress.getByName("127.0.0.5")), api1.addresses(), "others from DNS");
    }

    @Test
    void aServerThatNeverAnswersFailsWithinTheTimeout() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            DnsjavaLookup lookup = new DnsjavaLookup(settings("", 300,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort())));
            long start = System.nanoTime();
            assertInstanceOf(Failed.class, await(lookup.addresses("web.rsp.test")));
            assertTrue(System.nanoTime() - start < 3 * S, "bounded by dns.timeout.ms");
        }
    }

    @Test
    void aChangedRecordIsPublishedWithinItsTtlAndTheSrvNameExpands() throws Exception {
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
        try {
            AtomicReference<BackendDirectory> published = new AtomicReference<>();
            BackendResolver resolver = new BackendResolver();
            resolver.settings(settings("", 2_000, dns.address()));
            BackendPublisher publisher = new BackendPublisher(thread, resolver, published::set);
            thread.scheduleWithFixedDelay(publisher::refresh, 250, 250, TimeUnit.MILLISECONDS);
            Backend web = new Backend("web", "web.rsp.test", 8080, 1);
            publisher.offer(new SourcedBackends("file", List.of(web, new Backend("api", "_http._tcp.api.rsp.test", 80, 1))));
            waitFor("web at 127.0.0.2", () -> address(published, web).equals(Optional.of("127.0.0.2:8080")));
            BackendDirectory first = published.get();
            assertEquals(List.of("api/api1.rsp.test:8081", "api/api2.rsp.test:8082", "web"),
                    first.backends().all().stream().map(Backend::name).toList(), "priority 5 left out");
            assertEquals("127.0.0.5:8081", first.addresses().get("api/api1.rsp.test:8081").getAddress().getHostAddress()
                    + ":8081");
            assertTrue(first.addresses().get("api/api2.rsp.test:8082").isUnresolved(), "api2 has no A record");

            dns.hosts("127.0.0.3 web.rsp.test\n127.0.0.5 api1.rsp.test\n");
            long changed = System.nanoTime();
            waitFor("web at 127.0.0.3", () -> address(published, web).equals(Optional.of("127.0.0.3:8080")));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - changed);
            assertTrue(tookMillis < 2_500, "TTL 1 s, a 250 ms tick and the lookup: " + tookMillis + " ms");
            assertEquals(first.backends(), published.get().backends(), "same set, same generation");
            assertTrue(resolver.counters().changed() >= 1);
        } finally {
            thread.shutdownNow();
        }
    }

    static Optional<String> address(AtomicReference<BackendDirectory> published, Backend b) {
        BackendDirectory d = published.get();
        if (d == null || d.address(b).isUnresolved()) {
            return Optional.empty();
        }
        return Optional.of(d.address(b).getAddress().getHostAddress() + ":" + d.address(b).getPort());
    }

    static void waitFor(String what, java.util.function.BooleanSupplier condition) {
        if (!ExternalPrograms.poll(condition, java.time.Duration.ofSeconds(10))) {
            throw new AssertionError("not within 10 s: " + what);
        }
    }
}
