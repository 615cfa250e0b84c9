package dev.rsp.routing.hosthash;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The quality bar, measured on the real router for random host names (fixed seed) over N backends of equal
 * weight: max/mean load at most {@value #MAX_OVER_MEAN} and, when one backend is added or removed, the share of
 * names that move at most {@value #MOVED_OVER_IDEAL} times the ideal (1/(N+1) when adding, the removed backend's 1/N
 * when removing). Prints the figures. Used by {@link HostHashQualityTest} (every build) and
 * {@link HostHashQualityLongTest} (the 10,000,000 names, profile {@code long-tests}).
 */
final class QualityMeasure {

    static final long SEED = 0x5eed_2024_0607L;
    static final double MAX_OVER_MEAN = 1.05;
    static final double MOVED_OVER_IDEAL = 1.1;

    private QualityMeasure() {
    }

    /** Asserts the bar for {@code n} backends over {@code hashes}, three full assignments (each costs names x n). */
    static void measure(int n, long[] hashes) {
        int names = hashes.length;
        Backends base = RandomHosts.equalWeights(n);
        List<Backend> plus = new ArrayList<>(base.all());
        plus.add(RandomHosts.backend(n, 1));
        List<Backend> minus = new ArrayList<>(base.all());
        minus.remove(n / 2);

        long start = System.nanoTime();
        int[] owner = new int[names];
        long[] load = assign(RendezvousRouter.create(base, 1), hashes, n + 1, owner, null);
        long[] movedByAdd = new long[1];
        assign(RendezvousRouter.create(new Backends(2, plus), 1), hashes, n + 1, owner, movedByAdd);
        long[] movedByRemove = new long[1];
        assign(RendezvousRouter.create(new Backends(3, minus), 1), hashes, n + 1, owner, movedByRemove);
        long ms = (System.nanoTime() - start) / 1_000_000;

        long max = 0;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, load[i]);
        }
        double maxOverMean = max / ((double) names / n);
        double addRatio = movedByAdd[0] / (names / (n + 1.0));
        double removeRatio = movedByRemove[0] / (names / (double) n);
        System.out.printf("host-hash N=%d, %,d names: max/mean %.4f; add one: moved %.5f%% = %.3f x ideal;"
                        + " remove one: moved %.5f%% = %.3f x ideal (%d ms for 3 assignments)%n",
                n, names, maxOverMean, 100.0 * movedByAdd[0] / names, addRatio,
                100.0 * movedByRemove[0] / names, removeRatio, ms);
        assertTrue(maxOverMean <= MAX_OVER_MEAN, "N=" + n + " max/mean " + maxOverMean);
        assertTrue(addRatio <= MOVED_OVER_IDEAL, "N=" + n + " moved on add " + addRatio + " x ideal");
        assertTrue(removeRatio <= MOVED_OVER_IDEAL, "N=" + n + " moved on remove " + removeRatio + " x ideal");
    }

    /**
     * Assigns every name with {@code router}, as backend numbers {@code b%04d} (stable across routers). Without
     * {@code moved}, records owners and returns the load per backend; with it, counts names whose owner differs.
     */
    private static long[] assign(RendezvousRouter router, long[] hashes, int slots, int[] owner, long[] moved) {
        int names = hashes.length;
        int[] number = new int[router.size()];
        Map<String, Integer> byName = new HashMap<>();
        for (int i = 0; i < slots; i++) {
            byName.put(RandomHosts.backend(i, 1).name(), i);
        }
        for (int i = 0; i < number.length; i++) {
            number[i] = byName.get(router.nameAt(i));
        }
        int chunks = 64;
        int per = (names + chunks - 1) / chunks;
        long[][] partial = IntStream.range(0, chunks).parallel().mapToObj(c -> {
            long[] counts = new long[slots + 1];
            for (int i = c * per, end = Math.min(names, i + per); i < end; i++) {
                int b = number[router.ownerIndex(hashes[i])];
                if (moved == null) {
                    owner[i] = b;
                    counts[b]++;
                } else if (owner[i] != b) {
                    counts[slots]++;
                }
            }
            return counts;
        }).toArray(long[][]::new);
        long[] total = new long[slots + 1];
        for (long[] p : partial) {
            for (int i = 0; i < total.length; i++) {
                total[i] += p[i];
            }
        }
        if (moved != null) {
            moved[0] = total[slots];
        }
        return total;
    }
}
