package dev.rsp.tls.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.sun.net.httpserver.HttpServer;
import dev.rsp.tls.acme.ondemand.OnDemandPolicy;
import dev.rsp.tls.acme.ondemand.OnDemandSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The on-demand policy as the ACME client sees it: handshakes for one name that arrive while its ask is pending share
 * one decision (one ask, one order in the budget, none refused as already in progress); the order's end frees the
 * budget.
 */
class OnDemandIssuanceTest {

    HttpServer ask;
    final CountDownLatch answer = new CountDownLatch(1);
    final AtomicInteger asks = new AtomicInteger();

    @AfterEach
    void stop() {
        answer.countDown();
        if (ask != null) {
            ask.stop(0);
        }
    }

    OnDemandIssuance issuance(String maxInFlight) throws Exception {
        ask = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ask.setExecutor(Executors.newCachedThreadPool());
        ask.createContext("/ask", x -> {
            asks.incrementAndGet();
            try {
                answer.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            x.sendResponseHeaders(x.getRequestURI().getQuery().contains("yes") ? 200 : 404, -1);
            x.close();
        });
        ask.start();
        OnDemandSettings s = ((OnDemandSettings.Valid) OnDemandSettings.parse(Map.of("ondemand", "true",
                "ondemand.ask.url", "http://127.0.0.1:" + ask.getAddress().getPort() + "/ask",
                "ondemand.max.in.flight", maxInFlight))).settings();
        return new OnDemandIssuance(OnDemandPolicy.of(s, Clock.systemUTC()));
    }

    @Test
    void concurrentHandshakesShareOneAskAndOneOrder() throws Exception {
        OnDemandIssuance p = issuance("1");
        CompletableFuture<IssuancePolicy.Decision> first = p.decide("yes.shop.example").toCompletableFuture();
        CompletableFuture<IssuancePolicy.Decision> second = p.decide("yes.shop.example").toCompletableFuture();
        assertSame(first, second);
        assertFalse(first.isDone(), "waits for the ask");
        answer.countDown();
        assertInstanceOf(IssuancePolicy.Allow.class, first.get(20, TimeUnit.SECONDS));
        assertEquals(1, asks.get());
        assertEquals(1L, p.counts().get("acme.ondemand.in_flight"));

        // the one order in flight fills the budget: another name waits its turn
        IssuancePolicy.Decision other = p.decide("yes.other.example").toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertEquals("acme.ondemand.refused.budget_in_flight", ((IssuancePolicy.Refuse) other).reason());

        p.finished("yes.shop.example", true);
        assertEquals(0L, p.counts().get("acme.ondemand.in_flight"));
        assertInstanceOf(IssuancePolicy.Allow.class,
                p.decide("yes.other.example").toCompletableFuture().get(20, TimeUnit.SECONDS));
    }

    @Test
    void aRefusalNamesItsRule() throws Exception {
        OnDemandIssuance p = issuance("10");
        answer.countDown();
        IssuancePolicy.Decision d = p.decide("no.shop.example").toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertEquals("acme.ondemand.refused.not_allowed", ((IssuancePolicy.Refuse) d).reason());
        p.finished("no.shop.example", false); // nothing to end: ignored
        assertEquals(0L, p.counts().get("acme.ondemand.in_flight"));
    }
}
