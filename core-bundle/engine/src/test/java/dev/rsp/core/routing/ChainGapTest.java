package dev.rsp.core.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.rsp.core.admin.ProbeRequest;
import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.RoutingStrategy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** While a strategy of the chain is missing (its bundle being updated), a request nobody decided must wait, not fail. */
class ChainGapTest {

    static final RoutingStrategy PASS = all -> request -> Decision.pass();
    static final RoutingStrategy FIRST = all -> request -> Decision.to(all.all().get(0).name());

    @Test
    void passingLiveStrategiesWithAMissingOneMeanWait() {
        RoutingTable table = new RoutingTable(Runnable::run);
        table.chainChanged(List.of("front", "back"));
        table.backendsChanged(new Backends(1, List.of(new Backend("a", "127.0.0.1", 1, 1))));
        table.strategyAdded("front", PASS, 1, 0);
        ProbeRequest probe = ProbeRequest.parse("x.example");

        assertInstanceOf(Routing.NoLiveStrategy.class, table.current().route(probe), "back is missing: wait for it");
        table.strategyAdded("back", FIRST, 2, 0);
        Routing.Routed r = assertInstanceOf(Routing.Routed.class, table.current().route(probe));
        assertEquals("back", r.strategy());
        table.strategyRemoved("back", FIRST, 2);
        assertInstanceOf(Routing.NoLiveStrategy.class, table.current().route(probe), "removed again: wait again");
        table.chainChanged(List.of("front"));
        assertInstanceOf(Routing.Unrouted.class, table.current().route(probe), "all live and all passed: no use waiting");
    }
}
