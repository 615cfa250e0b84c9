package dev.rsp.core.backend;

import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * With real sockets on the loopback interface: a listening port (success) and a closed one (failure). Tests that call
 * {@code checkOnce()} directly use an interval of an hour, so no scheduled round runs beside them.
 */
class ActiveHealthCheckTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final String LOOPBACK = InetAddress.getLoopbackAddress().getHostAddress();

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    private static ServerSocket listening() throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return server;
    }

    private static int closedPort() throws IOException {
        try (ServerSocket server = listening()) {
            return server.getLocalPort();
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting until " + what);
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void scheduledRoundsMarkAClosedPortDownAndReportAListeningOneUp() throws IOException {
        PassiveHealth health = new PassiveHealth(2, TimeUnit.HOURS.toNanos(1), System::nanoTime);
        try (ServerSocket server = listening()) {
            health.recordFailure("up");
            assertEquals(1, health.snapshot().get("up").consecutiveFailures());
            ActiveHealthCheck check = new ActiveHealthCheck(health, scheduler, Duration.ofMillis(5), TIMEOUT);
            try {
                check.update(resolved(new Backends(1, List.of(
                        new Backend("up", LOOPBACK, server.getLocalPort(), 1),
                        new Backend("down", LOOPBACK, closedPort(), 1)))));
                await("the closed port is down", () -> !health.isUp("down"));
                await("the listening port's failure count is reset",
                        () -> health.snapshot().get("up").consecutiveFailures() == 0);
                assertTrue(health.isUp("up"));
                assertEquals(0, health.snapshot().get("up").consecutiveFailures());
            } finally {
                check.close();
            }
        }
    }

    @Test
    void oneRoundRecordsEachOutcome() throws IOException {
        PassiveHealth health = new PassiveHealth(1, TimeUnit.HOURS.toNanos(1), System::nanoTime);
        ActiveHealthCheck check = new ActiveHealthCheck(health, scheduler, Duration.ofHours(1), TIMEOUT);
        try (ServerSocket server = listening()) {
            check.update(resolved(new Backends(1, List.of(
                    new Backend("up", LOOPBACK, server.getLocalPort(), 1),
                    new Backend("down", LOOPBACK, closedPort(), 1)))));
            check.checkOnce();
            assertTrue(health.isUp("up"));
            assertFalse(health.isUp("down"));
            assertEquals(1, health.snapshot().get("down").totalFailures());
        } finally {
            check.close();
        }
    }

    @Test
    void removedBackendsAreNoLongerChecked() throws IOException {
        PassiveHealth health = new PassiveHealth(1, TimeUnit.HOURS.toNanos(1), System::nanoTime);
        ActiveHealthCheck check = new ActiveHealthCheck(health, scheduler, Duration.ofHours(1), TIMEOUT);
        try {
            check.update(resolved(new Backends(1, List.of(new Backend("down", LOOPBACK, closedPort(), 1)))));
            check.update(resolved(new Backends(2, List.of())));
            check.checkOnce();
            assertTrue(health.snapshot().isEmpty());
        } finally {
            check.close();
        }
    }

    @Test
    void closedCheckRecordsNothing() throws IOException {
        PassiveHealth health = new PassiveHealth(1, TimeUnit.HOURS.toNanos(1), System::nanoTime);
        ActiveHealthCheck check = new ActiveHealthCheck(health, scheduler, Duration.ofHours(1), TIMEOUT);
        check.update(resolved(new Backends(1, List.of(new Backend("down", LOOPBACK, closedPort(), 1)))));
        check.close();
        check.checkOnce();
        assertTrue(health.isUp("down"));
        assertTrue(health.snapshot().isEmpty());
    }

    /** The backends at their addresses, through the resolver the core uses. */
    static BackendDirectory resolved(Backends backends) {
        return new BackendResolver().directory(backends);
    }
}
