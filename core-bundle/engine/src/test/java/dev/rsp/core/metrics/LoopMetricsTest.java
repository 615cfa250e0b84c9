package dev.rsp.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Set;
import org.junit.jupiter.api.Test;

class LoopMetricsTest {

    @Test
    void recordsByStatusClassAndSnapshotsAreCopies() {
        LoopMetrics m = new LoopMetrics();
        m.backend("a").record(200, 5, 50, 300);
        m.backend("a").record(502, 0, 10, 300);
        m.backend("a").record(0, 0, 0, 300);
        m.backend("a").failures++;
        LoopMetrics.Snapshot s = m.snapshot(7);
        m.backend("a").record(200, 1, 1, 1);
        TrafficStats a = s.backends().get("a");
        assertEquals(3, a.requests);
        assertEquals(1, a.responses[2]);
        assertEquals(1, a.responses[5]);
        assertEquals(1, a.responses[0]);
        assertEquals(3, a.errors());
        assertEquals(60, a.bytesOut);
        assertEquals(7, s.listener().active);
        LoopMetrics.Snapshot sum = LoopMetrics.Snapshot.empty().add(s).add(m.snapshot(1));
        assertEquals(7, sum.backends().get("a").requests);
        assertEquals(8, sum.listener().active);
    }

    @Test
    void backendsBeyondTheCapShareOneScopeAndRemovedOnesAreForgotten() {
        LoopMetrics m = new LoopMetrics();
        for (int i = 0; i < LoopMetrics.MAX_BACKENDS; i++) {
            m.backend("b" + i).requests++;
        }
        assertSame(m.backend("x"), m.backend("y"));
        assertSame(m.backend(LoopMetrics.OTHER), m.backend("z"));
        m.retainBackends(Set.of("b1"));
        assertEquals(Set.of("b1", LoopMetrics.OTHER), m.snapshot(0).backends().keySet());
    }
}
