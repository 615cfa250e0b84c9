package dev.rsp.tls.acme.ondemand;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.tls.acme.ondemand.AskEndpoint.Answer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AskEndpointTest {

    final MutableClock clock = new MutableClock();
    AskServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    AskEndpoint endpoint(String pathAndQuery, Duration timeout, int maxInFlight) throws Exception {
        server = new AskServer();
        return new AskEndpoint(server.url(pathAndQuery), timeout, maxInFlight,
                new AnswerCache(100, 3_600_000, 300_000, clock), AskEndpoint.client(timeout));
    }

    static Answer await(CompletionStage<Answer> s) throws Exception {
        return s.toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @Test
    void theNameIsAddedToTheQuery() {
        assertEquals(URI.create("http://h/ask?domain=a.example.com"), AskEndpoint.urlFor(URI.create("http://h/ask"), "a.example.com"));
        assertEquals(URI.create("http://h/ask?t=1&domain=a.example.com"),
                AskEndpoint.urlFor(URI.create("http://h/ask?t=1"), "a.example.com"));
        assertEquals(URI.create("http://h/ask?domain=xn--bcher-kva.example"),
                AskEndpoint.urlFor(URI.create("http://h/ask?"), "xn--bcher-kva.example"));
    }

    @Test
    void twoHundredsSayYesOtherStatusesNoAndFiveHundredsFail() throws Exception {
        AskEndpoint ask = endpoint("/ask?token=s3cret", Duration.ofSeconds(5), 4);
        assertEquals(Answer.ALLOWED, await(ask.ask("yes.example.com")));
        assertEquals(Answer.ALLOWED, await(ask.ask("empty.example.com")));
        assertEquals(Answer.REFUSED, await(ask.ask("no.example.com")));
        assertEquals(Answer.FAILED, await(ask.ask("err.example.com")));
        assertEquals("token=s3cret&domain=yes.example.com", server.queries.get(0));
        assertEquals(4L, ask.counts().get("acme.ondemand.ask.calls"));
        assertEquals(1L, ask.counts().get("acme.ondemand.ask.failed"));
    }

    @Test
    void aSlowEndpointIsAFailureAfterTheTimeout() throws Exception {
        AskEndpoint ask = endpoint("/ask", Duration.ofMillis(300), 4);
        long start = System.nanoTime();
        assertEquals(Answer.FAILED, await(ask.ask("slow.example.com")));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 250, "answered after " + millis + " ms");
        assertEquals(0, ask.inFlight());
    }

    @Test
    void anEndpointThatIsNotThereIsAFailure() throws Exception {
        AskEndpoint ask = endpoint("/ask", Duration.ofSeconds(5), 4);
        server.close();
        assertEquals(Answer.FAILED, await(ask.ask("yes.example.com")));
    }

    @Test
    void concurrentAsksForOneNameShareOneRequest() throws Exception {
        AskEndpoint ask = endpoint("/ask", Duration.ofSeconds(10), 4);
        List<CompletionStage<Answer>> asks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            asks.add(ask.ask("gate.example.com"));
        }
        server.awaitQueries(1);
        assertEquals(1, ask.inFlight());
        server.gate.countDown();
        for (CompletionStage<Answer> a : asks) {
            assertEquals(Answer.ALLOWED, await(a));
        }
        assertEquals(1, server.queries.size());
        assertEquals(1L, ask.counts().get("acme.ondemand.ask.calls"));
        assertEquals(4L, ask.counts().get("acme.ondemand.ask.shared"));
    }

    @Test
    void beyondTheAsksInFlightTheAnswerIsBusyAtOnce() throws Exception {
        AskEndpoint ask = endpoint("/ask", Duration.ofSeconds(10), 1);
        CompletionStage<Answer> slow = ask.ask("gate.example.com");
        CompletableFuture<Answer> other = ask.ask("yes.example.com").toCompletableFuture();
        assertTrue(other.isDone());
        assertEquals(Answer.BUSY, other.join());
        server.gate.countDown();
        assertEquals(Answer.ALLOWED, await(slow));
        assertEquals(Optional.empty(), ask.cached("yes.example.com"), "busy is not an answer to keep");
        assertEquals(Answer.ALLOWED, await(ask.ask("yes.example.com")));
    }

    @Test
    void answersAreCachedForTheirTimeToLive() throws Exception {
        AskEndpoint ask = endpoint("/ask", Duration.ofSeconds(5), 4);
        assertEquals(Optional.empty(), ask.cached("yes.example.com"));
        await(ask.ask("yes.example.com"));
        await(ask.ask("no.example.com"));
        await(ask.ask("err.example.com"));
        clock.advance(Duration.ofMinutes(5).minusMillis(1));
        assertEquals(Optional.of(Answer.ALLOWED), ask.cached("yes.example.com"));
        assertEquals(Optional.of(Answer.REFUSED), ask.cached("no.example.com"));
        assertEquals(Optional.of(Answer.FAILED), ask.cached("err.example.com"));
        clock.advance(Duration.ofMillis(1));
        assertEquals(Optional.empty(), ask.cached("no.example.com"), "a no is kept 5 min");
        assertEquals(Optional.empty(), ask.cached("err.example.com"), "a failure too");
        clock.advance(Duration.ofMinutes(55).minusMillis(1));
        assertEquals(Optional.of(Answer.ALLOWED), ask.cached("yes.example.com"));
        clock.advance(Duration.ofMillis(1));
        assertEquals(Optional.empty(), ask.cached("yes.example.com"), "a yes is kept 1 h");
        assertEquals(4L, ask.counts().get("acme.ondemand.ask.cache_hit"));
    }

    @Test
    void theCacheKeepsTheMostRecentlyUsedNames() {
        AnswerCache cache = new AnswerCache(2, 60_000, 60_000, clock);
        cache.put("a.example.com", Answer.ALLOWED);
        cache.put("b.example.com", Answer.REFUSED);
        cache.get("a.example.com");
        cache.put("c.example.com", Answer.ALLOWED);
        assertEquals(2, cache.size());
        assertEquals(Optional.of(Answer.ALLOWED), cache.get("a.example.com"));
        assertEquals(Optional.empty(), cache.get("b.example.com"));
        AnswerCache none = new AnswerCache(10, 60_000, 0, clock);
        none.put("n.example.com", Answer.REFUSED);
        assertEquals(Optional.empty(), none.get("n.example.com"), "a time to live of 0 keeps nothing");
    }
}
