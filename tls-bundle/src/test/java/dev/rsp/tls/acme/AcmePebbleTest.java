package dev.rsp.tls.acme;

import dev.rsp.tls.Poll;
import dev.rsp.tls.acme.ondemand.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.tls.certs.CombinedPem;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ACME client end to end against pebble: real orders, real HTTP-01 and TLS-ALPN-01 validations (answered by
 * {@link ChallengeServers} from the client's own books), storage as the TLS listener reads it. Renewal times are
 * reached by moving an injected clock. Each test uses its own names and storage.
 */
class AcmePebbleTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path shared;
    private static ChallengeServers servers;
    private static Pebble pebble;

    @TempDir
    Path storage;
    private final MutableClock clock = new MutableClock(Instant.now());
    private final List<AcmeCertificates> started = new ArrayList<>();

    @BeforeAll
    static void startPebble() throws Exception {
        Pebble.requireInstalled();
        servers = new ChallengeServers();
        pebble = new Pebble(shared, servers.httpPort(), servers.tlsPort(), Map.of());
    }

    @AfterAll
    static void stopPebble() throws Exception {
        if (pebble != null) {
            pebble.close();
        }
        if (servers != null) {
            servers.close();
        }
    }

    @AfterEach
    void stopManagers() {
        started.forEach(AcmeCertificates::close);
    }

    @Test
    void http01IssuesACertificateStoredAsACombinedPemOnlyTheOwnerReads() throws Exception {
        AcmeCertificates acme = manager(pebble, Map.of("names", "http.rsp.test", "challenges", "http-01"));
        acme.start();
        await(() -> acme.counts().get("acme.issued") == 1, acme);

        Path file = storage.resolve("http.rsp.test.pem");
        assertEquals(List.of("http.rsp.test"), CombinedPem.servedNames(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(storage.resolve("account.key"))));
        try (Stream<Path> files = Files.list(storage)) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".tmp")).toList(),
                    "no temporary file is left behind");
        }
        assertFalse(Files.exists(storage.resolve("locks/http.rsp.test.lock")), "the lock is released");
        assertEquals(Optional.empty(), acme.lastError("http.rsp.test"));
        Instant renewal = acme.nextRenewal("http.rsp.test").orElseThrow();
        assertTrue(renewal.isAfter(clock.instant()), "renewal planned in the future: " + renewal);
    }

    @Test
    void tlsAlpn01IssuesACertificate() throws Exception {
        AcmeCertificates acme = manager(pebble, Map.of("names", "alpn.rsp.test", "challenges", "tls-alpn-01"));
        acme.start();
        await(() -> acme.counts().get("acme.issued") == 1, acme);
        assertEquals(List.of("alpn.rsp.test"), CombinedPem.servedNames(storage.resolve("alpn.rsp.test.pem")));
        assertEquals(Optional.empty(), acme.alpnChallenge("alpn.rsp.test"), "the validation certificate is withdrawn");
    }

    @Test
    void renewsOnceTheClockPassesTheRenewalTimeAndReplacesTheFile() throws Exception {
        AcmeCertificates acme = manager(pebble, Map.of("names", "renew.rsp.test"));
        acme.start();
        await(() -> acme.counts().get("acme.issued") == 1, acme);
        Path file = storage.resolve("renew.rsp.test.pem");
        BigInteger first = CombinedPem.leafSerial(file);
        AtomicInteger changes = new AtomicInteger();
        acme.onStorageChanged(changes::incrementAndGet);

        Instant renewAt = acme.nextRenewal("renew.rsp.test").orElseThrow();
        clock.set(renewAt.minusSeconds(60));
        acme.check();
        assertEquals(0, acme.counts().get("acme.renewed"), "not due a minute before");
        assertEquals(first, CombinedPem.leafSerial(file));

        clock.set(renewAt.plusSeconds(1));
        acme.check();
        await(() -> acme.counts().get("acme.renewed") == 1, acme);
        assertNotEquals(first, CombinedPem.leafSerial(file));
        assertEquals(List.of("renew.rsp.test"), CombinedPem.servedNames(file));
        assertEquals(1, acme.counts().get("acme.issued"));
        assertEquals(1, changes.get(), "the TLS side is told once");
        Instant next = acme.nextRenewal("renew.rsp.test").orElseThrow();
        assertNotEquals(renewAt, next, "planned anew for the new certificate");
    }

    @Test
    void aSecondInstanceReadsStorageAndDoesNotOrderAgain() throws Exception {
        AcmeCertificates first = manager(pebble, Map.of("names", "twice.rsp.test"));
        first.start();
        await(() -> first.counts().get("acme.issued") == 1, first);
        BigInteger serial = CombinedPem.leafSerial(storage.resolve("twice.rsp.test.pem"));

        AcmeCertificates second = manager(pebble, Map.of("names", "twice.rsp.test"));
        second.check();
        assertTrue(second.nextRenewal("twice.rsp.test").isPresent(), "the stored certificate is adopted");
        assertEquals(0L, second.counts().get("acme.issued") + second.counts().get("acme.renewed")
                + second.counts().get("acme.lock.waited"));
        assertEquals(serial, CombinedPem.leafSerial(storage.resolve("twice.rsp.test.pem")));
    }

    @Test
    void anotherInstancesFreshLockMakesThisOneWaitThenOrderOnceReleased() throws Exception {
        Path lock = Files.createDirectories(storage.resolve("locks")).resolve("wait.rsp.test.lock");
        Files.writeString(lock, "other-instance " + clock.millis() + "\n");
        AcmeCertificates acme = manager(pebble, Map.of("names", "wait.rsp.test"));
        acme.check();
        await(() -> acme.counts().get("acme.lock.waited") == 1, acme);
        assertEquals(0, acme.counts().get("acme.issued"));
        assertFalse(Files.exists(storage.resolve("wait.rsp.test.pem")));
        assertTrue(Files.exists(lock), "another instance's lock is left alone");

        Files.delete(lock);
        acme.check();
        await(() -> acme.counts().get("acme.issued") == 1, acme);
        assertEquals(List.of("wait.rsp.test"), CombinedPem.servedNames(storage.resolve("wait.rsp.test.pem")));
    }

    @Test
    void aStaleLockIsTakenOver() throws Exception {
        Path lock = Files.createDirectories(storage.resolve("locks")).resolve("stale.rsp.test.lock");
        Files.writeString(lock, "dead-instance " + clock.instant().minus(Duration.ofHours(1)).toEpochMilli() + "\n");
        AcmeCertificates acme = manager(pebble, Map.of("names", "stale.rsp.test"));
        acme.check();
        await(() -> acme.counts().get("acme.issued") == 1, acme);
        assertEquals(1, acme.counts().get("acme.lock.takenover"));
        assertFalse(Files.exists(lock));
    }

    @Test
    void onDemandAsksThePolicyOnceAndCallersShareOneStage() throws Exception {
        AcmeCertificates acme = manager(pebble, Map.of("ondemand", "true"));
        AtomicInteger asked = new AtomicInteger();
        List<String> finished = new ArrayList<>();
        acme.policy(new IssuancePolicy() {
            @Override
            public CompletionStage<Decision> decide(String name) {
                asked.incrementAndGet();
                return CompletableFuture.completedFuture(name.startsWith("yes.") ? new Allow()
                        : new Refuse("not on the test's list"));
            }

            @Override
            public void finished(String name, boolean issued) {
                finished.add(name + "=" + issued);
            }
        });
        CompletionStage<?> one = acme.onDemand("YES.rsp.test").orElseThrow();
        CompletionStage<?> two = acme.onDemand("yes.rsp.test").orElseThrow();
        assertSame(one, two);
        assertEquals(Optional.empty(), acme.onDemand("no.rsp.test"));
        one.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(List.of("yes.rsp.test"), CombinedPem.servedNames(storage.resolve("yes.rsp.test.pem")));
        assertTrue(acme.onDemand("yes.rsp.test").orElseThrow().toCompletableFuture().isDone(), "in storage: done at once");
        assertEquals(2, asked.get(), "the policy is not asked for names in flight or in storage");
        assertEquals(List.of("yes.rsp.test=true"), finished);
        assertEquals(2L, acme.counts().get("acme.ondemand.waits"), "a name in storage is neither allowed nor refused");
        assertEquals(1L, acme.counts().get("acme.ondemand.refused"));
    }

    @Test
    void aFailedValidationIsLoggedWithTheCasProblemAndBacksOff() throws Exception {
        AcmeCertificates acme = manager(pebble, Map.of("names", "fail.rsp.test", "challenges", "http-01"));
        servers.answerFrom((host, token) -> Optional.empty(), acme);
        acme.check();
        await(() -> acme.counts().get("acme.failed") == 1, acme);
        String problem = acme.lastError("fail.rsp.test").orElseThrow();
        assertTrue(problem.contains("http-01") && problem.contains("urn:ietf:params:acme:error:"), problem);
        acme.check();
        assertEquals(1, acme.counts().get("acme.failed"), "backing off: no new order at once");
        assertFalse(Files.exists(storage.resolve("fail.rsp.test.pem")));
    }

    @Test
    void badNonceAnswersAreRetried() throws Exception {
        try (Pebble rejecting = new Pebble(Files.createDirectories(storage.resolve("pebble-nonce")), servers.httpPort(),
                servers.tlsPort(), Map.of("PEBBLE_WFE_NONCEREJECT", "50"))) {
            AcmeCertificates acme = manager(rejecting, Map.of("names", "nonce.rsp.test"));
            acme.start();
            await(() -> acme.counts().get("acme.issued") == 1, acme);
            assertEquals(0, acme.counts().get("acme.failed"));
        }
    }

    private AcmeCertificates manager(Pebble ca, Map<String, String> extra) {
        Map<String, Object> p = new HashMap<>(Map.of("directory.url", ca.directory().toString(),
                "truststore", ca.truststore().toString(), "storage", storage.toString(),
                "check.interval.ms", "3600000", "backoff.min.ms", "60000"));
        p.putAll(extra);
        AcmeSettings.Parsed parsed = AcmeSettings.parse(p);
        if (parsed instanceof AcmeSettings.Invalid invalid) {
            throw new AssertionError(invalid.errors());
        }
        Http01Book http01 = new Http01Book();
        AcmeCertificates acme = new AcmeCertificates(((AcmeSettings.Valid) parsed).settings(), clock, new Random(7),
                "test-" + started.size(), new AcmeCounters(), http01, new AlpnChallengeCert());
        servers.answerFrom(http01, acme);
        started.add(acme);
        return acme;
    }

    private void await(BooleanSupplier condition, AcmeCertificates acme) {
        Poll.until("the ACME client's state", WAIT, condition, () -> "counts " + acme.counts() + ", errors "
                + acme.names().stream().map(n -> n + ": " + acme.lastError(n).orElse("-")).toList());
    }
}
