package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.spi.routing.Backends;
import dev.rsp.testkit.routing.FakeRequest;
import dev.rsp.testkit.routing.RouterAssert;
import dev.rsp.testkit.routing.TestBackends;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The router without Felix and without sockets, with rsp's strategy testkit. */
class PrefixRouteStrategyTest {

    private static final Backends DEMO = TestBackends.named("demo-1", "demo-2", "demo-3");

    private final PrefixRouteStrategy strategy = new PrefixRouteStrategy();

    @Test
    void theNameAndThePidAreOnesRspCanUse() {
        assertTrue(PrefixRouteStrategy.NAME.matches("[a-z0-9][a-z0-9-]*"),
                "a short lower-case name, as routing.chain lists it: " + PrefixRouteStrategy.NAME);
        assertFalse(PrefixRouteStrategy.PID.contains("-"),
                "FileInstall reads etc/a-b.cfg as a factory configuration of PID a: " + PrefixRouteStrategy.PID);
    }

    @Test
    void withoutConfigurationEveryRequestGoesToEveryBackendInNameOrder() {
        RouterAssert.assertThat(strategy, DEMO)
                .routesHost("alice.example.com", "demo-1", "demo-2", "demo-3")
                .routes(FakeRequest.get("bob.example.com", "/any/path?x=1"), "demo-1", "demo-2", "demo-3");
    }

    @Test
    void requestsUnderThePrefixGoToTheConfiguredBackendsTheOthersPass() {
        assertTrue(strategy.configure("/api/", new String[] {"demo-3, demo-1 "}), "as a .cfg file gives a list");
        RouterAssert.assertThat(strategy, DEMO)
                .routes(FakeRequest.get("alice.example.com", "/api/v1/items"), "demo-3", "demo-1")
                .passes(FakeRequest.get("alice.example.com", "/"))
                .passes(FakeRequest.get("alice.example.com", "/apis"));
    }

    @Test
    void namesThatAreNotConfiguredBackendsAreLeftOut() {
        assertTrue(strategy.configure("/", new String[] {"gone", "demo-2"}));
        RouterAssert.assertThat(strategy, DEMO).routesHost("alice.example.com", "demo-2");
        RouterAssert.assertThat(strategy, TestBackends.named("demo-1")).passes(FakeRequest.get("alice.example.com"));
        assertTrue(strategy.configure("/", new String[0]));
        RouterAssert.assertThat(strategy, TestBackends.none()).passes(FakeRequest.get("alice.example.com"));
    }

    @Test
    void badSettingsAreRefusedAndTheLastGoodOnesStay() {
        assertTrue(strategy.configure("/api/", new String[] {"demo-1"}));
        assertFalse(strategy.configure("api", new String[] {"demo-2"}), "no leading /");
        assertFalse(strategy.configure("/a b", new String[0]), "a space");
        assertFalse(strategy.configure("/", new String[] {"b1,b2,b3,b4,b5,b6,b7,b8,b9"}), "more than 8 backends");
        assertEquals(new PrefixRouteStrategy.Settings("/api/", List.of("demo-1")), strategy.settings());
    }

    @Test
    void selectAnswersTheSameFromManyThreads() {
        assertTrue(strategy.configure("/api/", new String[] {"demo-2"}));
        RouterAssert.assertThat(strategy, DEMO).answersTheSameFromManyThreads(
                FakeRequest.get("alice.example.com", "/api/x"), FakeRequest.get("alice.example.com", "/other"),
                FakeRequest.passthrough("secure.example.com"));
    }
}
