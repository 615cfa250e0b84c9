package dev.rsp.routing.hosthash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.Router;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RendezvousRouterTest {

    private static final String[] HOSTS = RandomHosts.names(20_000, 42);

    @Test
    void candidatesAreDistinctBoundedAndStartWithTheOwner() {
        for (Backends set : List.of(RandomHosts.equalWeights(50), mixedWeights(50))) {
            for (int k = 1; k <= Decision.MAX_CANDIDATES; k++) {
                RendezvousRouter router = RendezvousRouter.create(set, k);
                for (String host : HOSTS) {
                    List<String> c = route(router, host);
                    assertEquals(k, c.size(), host);
                    assertEquals(k, new HashSet<>(c).size(), "distinct: " + c);
                    assertEquals(router.nameAt(router.ownerIndex(NameHash.host(host))), c.get(0), host);
                }
            }
        }
    }

    @Test
    void fewerBackendsThanCandidatesNamesEachOnce() {
        RendezvousRouter router = RendezvousRouter.create(RandomHosts.equalWeights(2), 8);
        List<String> c = route(router, "fred.example.com");
        assertEquals(Set.of("b0000", "b0001"), new HashSet<>(c));
        assertEquals(2, c.size());
    }

    @Test
    void candidatesFollowTheRendezvousOrder() {
        // The second candidate is the owner once the first is removed, and so on: retries go where the host
        // would move if the preferred backends left.
        Backends set = mixedWeights(30);
        RendezvousRouter router = RendezvousRouter.create(set, 4);
        for (int h = 0; h < 2000; h++) {
            String host = HOSTS[h];
            List<String> c = route(router, host);
            List<Backend> rest = new ArrayList<>(set.all());
            for (int j = 0; j < c.size(); j++) {
                RendezvousRouter without = RendezvousRouter.create(new Backends(1, rest), 1);
                assertEquals(c.get(j), route(without, host).get(0), host + " candidate " + j);
                String gone = c.get(j);
                rest.removeIf(b -> b.name().equals(gone));
            }
        }
    }

    @Test
    void sameNamesGiveSameDecisionsWhateverTheOrderAddressesAndRebuilds() {
        List<Backend> original = mixedWeights(40).all();
        List<Backend> moved = new ArrayList<>();
        for (Backend b : original) {
            moved.add(new Backend(b.name(), "backend-" + b.name() + ".internal", 9000 + b.weight(), b.weight()));
        }
        Collections.shuffle(moved, new Random(7));
        Router a = RendezvousRouter.build(new Backends(1, original), 3);
        Router b = RendezvousRouter.build(new Backends(2, moved), 3);
        Router c = RendezvousRouter.build(new Backends(3, original), 3);
        for (String host : HOSTS) {
            assertEquals(a.select(new Head(host)), b.select(new Head(host)), host);
            assertEquals(a.select(new Head(host)), c.select(new Head(host)), host);
        }
    }

    @Test
    void weightsAreHonoured() {
        // Weights 1, 2, 3 and 5 over 40 backends; every backend's share is within 3% of weight / total weight.
        Backends set = mixedWeights(40);
        RendezvousRouter router = RendezvousRouter.create(set, 1);
        long[] hashes = RandomHosts.hostHashes(2_000_000, 11);
        long[] load = new long[router.size()];
        for (long h : hashes) {
            load[router.ownerIndex(h)]++;
        }
        int total = set.all().stream().mapToInt(Backend::weight).sum();
        double perWeight1 = 0;
        for (int i = 0; i < router.size(); i++) {
            int w = set.named(router.nameAt(i)).orElseThrow().weight();
            double expected = (double) hashes.length * w / total;
            assertEquals(1.0, load[i] / expected, 0.03, router.nameAt(i) + " weight " + w);
            if (w == 1) {
                perWeight1 += load[i];
            }
        }
        long weight1 = set.all().stream().filter(b -> b.weight() == 1).count();
        long weight2 = set.all().stream().filter(b -> b.weight() == 2).count();
        long loadWeight2 = 0;
        for (int i = 0; i < router.size(); i++) {
            if (set.named(router.nameAt(i)).orElseThrow().weight() == 2) {
                loadWeight2 += load[i];
            }
        }
        double ratio = (loadWeight2 / (double) weight2) / (perWeight1 / weight1);
        System.out.printf("host-hash weights: a weight-2 backend gets %.3f x the names of a weight-1 backend%n", ratio);
        assertEquals(2.0, ratio, 0.04);
    }

    @Test
    void raisingOneWeightMovesNamesOnlyToThatBackend() {
        List<Backend> before = RandomHosts.equalWeights(20).all();
        List<Backend> after = new ArrayList<>(before);
        after.set(5, RandomHosts.backend(5, 2));
        RendezvousRouter a = RendezvousRouter.create(new Backends(1, before), 1);
        RendezvousRouter b = RendezvousRouter.create(new Backends(2, after), 1);
        int moved = 0;
        for (String host : HOSTS) {
            String from = route(a, host).get(0);
            String to = route(b, host).get(0);
            if (!from.equals(to)) {
                assertEquals("b0005", to, host);
                moved++;
            }
        }
        // Ideal: b0005 goes from 1/20 to 2/21 of the names, so 2/21 - 1/20 = 4.5% of them move.
        assertEquals(HOSTS.length * (2.0 / 21 - 1.0 / 20), moved, HOSTS.length * 0.006);
    }

    @Test
    void noBackendsPasses() {
        Router router = RendezvousRouter.build(new Backends(1, List.of()), 3);
        assertSame(Decision.pass(), router.select(new Head("fred.example.com")));
    }

    @Test
    void noHostPasses() {
        Router router = RendezvousRouter.build(RandomHosts.equalWeights(3), 3);
        assertSame(Decision.pass(), router.select(new Head(null)));
    }

    @Test
    void candidatesOutsideOneToEightAreRejectedAtBuild() {
        assertThrows(IllegalArgumentException.class, () -> RendezvousRouter.build(RandomHosts.equalWeights(3), 0));
        assertThrows(IllegalArgumentException.class, () -> RendezvousRouter.build(RandomHosts.equalWeights(3), 9));
    }

    @Test
    void emptyAndUnusualHostsStillRoute() {
        Router router = RendezvousRouter.build(RandomHosts.equalWeights(3), 2);
        for (String host : List.of("", "a", "xn--bcher-kva.example", "192.0.2.7", "[2001:db8::1]", "\u00fc")) {
            assertInstanceOf(Decision.Route.class, router.select(new Head(host)), host);
        }
    }

    /**
     * Golden decisions for a fixed backend set. rsp instances of different versions must agree, so a change
     * here is an incompatible change of the routing function, not a test to update casually.
     */
    @Test
    void goldenDecisions() {
        assertEquals(0x5753b4f1cdc73272L, NameHash.host("fred.example.com"));
        assertEquals(0x2de3862cdf9723f7L, NameHash.backend("b0000"));
        assertEquals(0xbd0ed0d08a42a70cL, NameHash.host(""));
        RendezvousRouter equal = RendezvousRouter.create(RandomHosts.equalWeights(10), 3);
        RendezvousRouter mixed = RendezvousRouter.create(mixedWeights(10), 3);
        String[] hosts = {"fred.example.com", "alice.example.com", "bob.example.org", "xn--bcher-kva.example",
                "www.example.net", "a"};
        String[][] equalExpected = {
                {"b0005", "b0009", "b0000"}, {"b0000", "b0001", "b0002"}, {"b0001", "b0009", "b0000"},
                {"b0008", "b0001", "b0005"}, {"b0009", "b0002", "b0006"}, {"b0003", "b0002", "b0004"}};
        String[][] mixedExpected = {
                {"b0009", "b0002", "b0005"}, {"b0002", "b0000", "b0001"}, {"b0009", "b0004", "b0001"},
                {"b0008", "b0001", "b0005"}, {"b0009", "b0002", "b0004"}, {"b0004", "b0002", "b0009"}};
        for (int i = 0; i < hosts.length; i++) {
            assertArrayEquals(equalExpected[i], equal.candidates(NameHash.host(hosts[i])), hosts[i]);
            assertArrayEquals(mixedExpected[i], mixed.candidates(NameHash.host(hosts[i])), hosts[i]);
        }
    }

    /** Backends b0000.. with weights cycling 1, 2, 3, 1, 5 (so several weight groups). */
    static Backends mixedWeights(int n) {
        int[] weights = {1, 2, 3, 1, 5};
        List<Backend> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(RandomHosts.backend(i, weights[i % weights.length]));
        }
        return new Backends(1, list);
    }

    private static List<String> route(Router router, String host) {
        return ((Decision.Route) router.select(new Head(host))).backends();
    }
}
