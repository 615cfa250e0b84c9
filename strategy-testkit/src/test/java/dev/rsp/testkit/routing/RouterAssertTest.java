package dev.rsp.testkit.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.RoutingStrategy;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RouterAssertTest {

    /** Routes /api to every backend in name order, rehosts /alias, passes the rest. */
    private static final RoutingStrategy STRATEGY = backends -> {
        Decision all = Decision.to(backends.all().stream().map(Backend::name).toList());
        return request -> request.path().startsWith("/api") ? all
                : request.path().equals("/alias") ? Decision.rehost("other.example.com") : Decision.pass();
    };

    private static final Backends TWO = TestBackends.named("b2", "b1");

    @Test
    void checksThatHoldPass() {
        RouterAssert.assertThat(STRATEGY, TWO)
                .routes(FakeRequest.get("a.example", "/api/x"), "b1", "b2")
                .rehosts(FakeRequest.get("a.example", "/alias"), "other.example.com")
                .passes(FakeRequest.get("a.example", "/"))
                .answersTheSameFromManyThreads(FakeRequest.get("a.example", "/api"), FakeRequest.get("a.example"));
        assertSame(Decision.pass(), RouterAssert.assertThat(STRATEGY.build(TWO)).decision(FakeRequest.get("a.example")));
    }

    @Test
    void aFailureNamesTheRequestAndBothDecisions() {
        RouterAssert check = RouterAssert.assertThat(STRATEGY, TWO);
        assertEquals("select(GET a.example/api): expected a route to [b2, b1] but was a route to [b1, b2]",
                assertThrows(AssertionError.class, () -> check.routes(FakeRequest.get("a.example", "/api"), "b2", "b1"))
                        .getMessage());
        assertEquals("select(GET a.example/): expected a route to [b1] but was a pass",
                assertThrows(AssertionError.class, () -> check.routesHost("a.example", "b1")).getMessage());
        assertEquals("select(GET a.example/api [x: y]): expected a pass but was a route to [b1, b2]",
                assertThrows(AssertionError.class, () -> check.passes(FakeRequest.get("a.example", "/api").header("X", "y")))
                        .getMessage());
    }

    @Test
    void aRouterThatThrowsOrAnswersNullFails() {
        RouterAssert throwing = RouterAssert.assertThat(request -> {
            throw new IllegalStateException("boom");
        });
        assertEquals("select(GET a.example/) threw java.lang.IllegalStateException: boom (the core counts an error"
                + " against the strategy and passes)", assertThrows(AssertionError.class,
                () -> throwing.passes(FakeRequest.get("a.example"))).getMessage());
        assertEquals("select(GET a.example/) returned null (the core counts it as an error and passes)",
                assertThrows(AssertionError.class, () -> RouterAssert.assertThat(request -> null)
                        .passes(FakeRequest.get("a.example"))).getMessage());
        assertThrows(AssertionError.class, () -> RouterAssert.assertThat(backends -> null, TWO));
    }

    @Test
    void aRouterWhoseAnswersDriftIsCaughtByTheThreadCheck() {
        AtomicInteger calls = new AtomicInteger();
        RouterAssert flaky = RouterAssert.assertThat(request -> calls.incrementAndGet() % 1000 == 0
                ? Decision.pass() : Decision.to("b1"));
        AssertionError e = assertThrows(AssertionError.class,
                () -> flaky.answersTheSameFromManyThreads(FakeRequest.get("a.example")));
        assertEquals("GET a.example/: Pass on one of many threads, Route[backends=[b1]] alone", e.getMessage());
    }
}
