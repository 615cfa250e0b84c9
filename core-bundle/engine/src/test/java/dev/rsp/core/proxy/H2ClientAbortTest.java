package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An HTTP/2 client that gives up on a request to a slow backend, by resetting its stream or closing its connection:
 * the backend connection is closed at once (not when the backend answers), and a reset stream leaves the client's
 * connection open. Clients are crafted frames ({@link CraftedH2Client}) over h2c.
 */
class H2ClientAbortTest extends StubProxyFixture {

    final CountDownLatch answerNow = new CountDownLatch(1);
    final CountDownLatch backendSawClose = new CountDownLatch(1);
    final AtomicBoolean answered = new AtomicBoolean();

    @AfterEach
    void letTheBackendGo() {
        answerNow.countDown();
    }

    private Path startHolding() throws IOException {
        Path ready = dir.resolve("backend-has-it");
        start(ClientAbortTest.holding(answerNow, backendSawClose, answered, () -> {
            try {
                Files.writeString(ready, "");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }), Map.of("timeout.stop.ms", "2000"));
        return ready;
    }

    private void backendLegCancelled() {
        try {
            assertTrue(backendSawClose.await(5, TimeUnit.SECONDS), "rsp closed the backend connection");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertFalse(answered.get(), "the backend was not left to answer");
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().activeBackendConnections() == 0, 5_000));
    }

    @Test
    void aResetStreamCancelsItsBackendLegAndTheConnectionGoesOn() throws Exception {
        Path ready = startHolding();
        CraftedH2Client.Observed o = CraftedH2Client.runHolding(dir, proxy.port(), this::backendLegCancelled,
                "cancel", ready.toString(), "reset");
        o.expect("A READY True").expect("A OPEN True").expectNot("A GOAWAY");
        assertEquals(1, a.requests().size());
    }

    @Test
    void aClosedConnectionCancelsTheBackendLegsOfItsStreams() throws Exception {
        Path ready = startHolding();
        CraftedH2Client.Observed o = CraftedH2Client.runHolding(dir, proxy.port(), this::backendLegCancelled,
                "cancel", ready.toString(), "close");
        o.expect("A READY True");
    }
}
