package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rsp.core.ratelimit.RateLimitSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rate limits over HTTP/2 (h2c with prior knowledge, crafted frames): each stream is a request; a refused stream gets
 * its 429 with retry-after and the connection stays; a reset stream gives its concurrency slot back; a connection
 * over the connection rate answers its first stream with 429 and drains (GOAWAY).
 */
class RateLimitH2Test extends StubProxyFixture {

    final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void letSlowRequestsGo() {
        release.countDown();
    }

    /** Backend "a": /slow creates {@code ready} and waits for {@link #release}; anything else answers at once. */
    void startWithLimits(Map<String, String> limits, Path ready) throws IOException {
        start((r, in, out) -> {
            if (r.target().startsWith("/slow")) {
                Files.writeString(ready, "");
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            StubBackend.respond(out, 200, "ok");
            return true;
        }, Map.of("h2.cleartext", "true"));
        proxy.engine.rateLimits(((RateLimitSettings.Valid) RateLimitSettings.read(limits)).settings());
    }

    @Test
    void aStreamOverTheRateGetsA429AndTheConnectionStays() throws Exception {
        startWithLimits(Map.of("client.requests.per.second", "1", "client.burst", "1"), dir.resolve("unused"));
        CraftedH2Client.run(dir, proxy.port(), "sequence", "3")
                .expect("A HEADERS 1 200")
                .expect("A HEADERS 3 429")
                .expect("A RETRY-AFTER 3 1")
                .expect("A HEADERS 5 429")
                .expect("A OPEN True")
                .expectNot("A GOAWAY");
        assertEquals(2, proxy.engine.counters().get(Counter.RATELIMIT_CLIENT_REQUESTS));
    }

    @Test
    void aResetStreamGivesItsConcurrencySlotBack() throws Exception {
        Path ready = dir.resolve("slow-arrived");
        startWithLimits(Map.of("client.concurrent", "1"), ready);
        CraftedH2Client.run(dir, proxy.port(), "reset-then-ask", ready.toString())
                .expect("A HEADERS 3 200")
                .expect("A OPEN True");
        assertEquals(0, proxy.engine.counters().get(Counter.RATELIMIT_CLIENT_CONCURRENT));
    }

    @Test
    void aConnectionOverTheConnectionRateAnswersItsFirstStreamWith429AndDrains() throws Exception {
        startWithLimits(Map.of("client.connections.per.second", "1", "client.connections.burst", "1"), dir.resolve("unused"));
        try (TestClient first = new TestClient(proxy.address())) {
            assertEquals(200, first.get("x.example", "/").status(), "takes the one connection token");
            CraftedH2Client.run(dir, proxy.port(), "sequence", "1")
                    .expect("A HEADERS 1 429")
                    .expect("A RETRY-AFTER 1 1")
                    .expectGoAway();
        }
        assertEquals(1, proxy.engine.counters().get(Counter.RATELIMIT_CLIENT_CONNECTIONS));
    }
}
