package dev.rsp.routing.hosthash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The per-router decision cache changes no decision: with it, a router answers exactly as without it. */
class DecisionCacheTest {

    @Test
    void aCachedRouterDecidesExactlyAsAnUncachedOneAlsoWhenHostsEvictEachOther() {
        Backends backends = mixedWeights(200);
        Router plain = RendezvousRouter.build(backends, 3, 0);
        Router cached = RendezvousRouter.build(backends, 3, 64);
        String[] hosts = RandomHosts.names(20_000, 7);
        for (int round = 0; round < 2; round++) {
            for (String h : hosts) {
                assertEquals(plain.select(new Head(h)), cached.select(new Head(h)), h);
            }
        }
    }

    @Test
    void aRememberedHostGetsTheSameDecisionObject() {
        Router cached = RendezvousRouter.build(RandomHosts.equalWeights(1000), 3, 1024);
        Decision first = cached.select(new Head("shop.example.com"));
        assertSame(first, cached.select(new Head("shop.example.com")));
    }

    @Test
    void threadsSharingARouterAllSeeTheUncachedDecisions() throws Exception {
        Backends backends = RandomHosts.equalWeights(500);
        Router plain = RendezvousRouter.build(backends, 3, 0);
        Router cached = RendezvousRouter.build(backends, 3, 256);
        String[] hosts = RandomHosts.names(2_000, 11);
        List<Decision> expected = new ArrayList<>();
        for (String h : hosts) {
            expected.add(plain.select(new Head(h)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int offset = t * 499;
                done.add(pool.submit(() -> {
                    int wrong = 0;
                    for (int r = 0; r < 5; r++) {
                        for (int i = 0; i < hosts.length; i++) {
                            int at = (i + offset) % hosts.length;
                            wrong += cached.select(new Head(hosts[at])).equals(expected.get(at)) ? 0 : 1;
                        }
                    }
                    return wrong;
                }));
            }
            for (Future<Integer> f : done) {
                assertEquals(0, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void sizesRoundUpToAPowerOfTwoAndZeroMeansNone() {
        assertEquals(0, DecisionCache.slotsFor(0));
        assertEquals(4, DecisionCache.slotsFor(1));
        assertEquals(16384, DecisionCache.slotsFor(16384));
        assertEquals(32768, DecisionCache.slotsFor(16385));
        assertThrows(IllegalArgumentException.class, () -> new DecisionCache(12));
        assertThrows(IllegalArgumentException.class, () -> new DecisionCache(2));
    }

    @Test
    void fourHostsOfOneSetAreRememberedTogetherAndAFifthDropsTheOldest() {
        DecisionCache c = new DecisionCache(4);
        for (long h = 1; h <= 4; h++) {
            c.put(h, Decision.to("b" + h));
        }
        for (long h = 1; h <= 4; h++) {
            assertEquals(Decision.to("b" + h), c.get(h));
        }
        c.put(5, Decision.to("b5"));
        assertNull(c.get(1), "the oldest dropped out");
        assertEquals(Decision.to("b5"), c.get(5));
        assertNull(c.get(6), "a hash never put is a miss, never another host's decision");
    }

    private static Backends mixedWeights(int n) {
        List<Backend> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(RandomHosts.backend(i, 1 + i % 4));
        }
        return new Backends(1, list);
    }
}
