package dev.rsp.core.admin;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** rsp:stats and rsp:backends print the numbers the API serves. */
class StatsTextTest {

    @Test
    void printsTotalsBackendsChainAndOutcomes() throws Exception {
        try (AdminFixture f = new AdminFixture()) {
            String text = StatsText.render(f);
            assertTrue(text.startsWith("listener http          requests=0 errors=0 p50=-ms p99=-ms out=0B conns=0"), text);
            assertTrue(text.contains("routing.chain = [reload, hash]"), text);
            assertTrue(text.contains("backend.marked_down"), text);
        }
    }
}
