package dev.rsp.routing.hosthash;

import java.util.Arrays;
import java.util.function.IntFunction;
import java.util.function.LongToIntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The measurement that chose the algorithm (run on demand: {@code -Dhosthash.compare=true -Dtest=Alternatives*}):
 * max/mean load, moved share on adding and removing one backend (vs the ideal), and a rough single-thread lookup
 * cost, for rendezvous hashing (the shipped router) and the alternatives the issue names. Only to compare; the
 * alternatives here are minimal sketches with equal weights, not production code.
 */
@EnabledIfSystemProperty(named = "hosthash.compare", matches = "true")
class AlternativesComparisonTest {

    private static final int NAMES = 10_000_000;

    /** Builds a lookup over backends numbered 0..n-1 (with optional gaps: the ids given). */
    interface Scheme {
        LongToIntFunction build(int[] ids);
    }

    @Test
    void compare() {
        long[] hashes = RandomHosts.hostHashes(NAMES, QualityMeasure.SEED);
        for (int n : new int[] {10, 100, 1000}) {
            report("rendezvous (shipped)", n, hashes, AlternativesComparisonTest::rendezvous);
            report("ring 16 points", n, hashes, ids -> ring(ids, 16));
            report("ring 160 points", n, hashes, ids -> ring(ids, 160));
            report("ring 1000 points", n, hashes, ids -> ring(ids, 1000));
            report("multi-probe 21", n, hashes, ids -> multiProbe(ids, 21));
            report("maglev 65537", n, hashes, ids -> maglev(ids, 65537));
            report("HRW table 2^16", n, hashes, ids -> bucketTable(ids, 1 << 16));
            report("HRW table 2^20", n, hashes, ids -> bucketTable(ids, 1 << 20));
        }
    }

    private static void report(String name, int n, long[] hashes, Scheme scheme) {
        int[] base = IntStream.range(0, n).toArray();
        int[] plus = IntStream.range(0, n + 1).toArray();
        int[] minus = IntStream.range(0, n).filter(i -> i != n / 2).toArray();
        LongToIntFunction a = scheme.build(base);
        int[] owner = new int[NAMES];
        long[] load = new long[n];
        IntStream.range(0, NAMES).parallel().forEach(i -> owner[i] = a.applyAsInt(hashes[i]));
        for (int o : owner) {
            load[o]++;
        }
        long max = Arrays.stream(load).max().orElse(0);
        double add = moved(scheme.build(plus), owner, hashes) / (NAMES / (n + 1.0));
        double remove = moved(scheme.build(minus), owner, hashes) / (NAMES / (double) n);
        int lookups = 2_000_000;
        long sink = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < lookups; i++) {
            sink += a.applyAsInt(hashes[i]);
        }
        double ns = (System.nanoTime() - t0) / (double) lookups;
        System.out.printf("compare %-22s N=%4d max/mean %.4f  add %.3f x ideal  remove %.3f x ideal  ~%.0f ns/lookup%s%n",
                name, n, max / ((double) NAMES / n), add, remove, ns, sink == 42 ? " " : "");
    }

    private static long moved(LongToIntFunction f, int[] owner, long[] hashes) {
        return IntStream.range(0, NAMES).parallel().filter(i -> f.applyAsInt(hashes[i]) != owner[i]).count();
    }

    private static long seed(int id) {
        return NameHash.backend(String.format("b%04d", id));
    }

    private static LongToIntFunction rendezvous(int[] ids) {
        // The shipped router over exactly these ids (names b%04d), answering ids.
        dev.rsp.spi.routing.Backends set = new dev.rsp.spi.routing.Backends(1,
                Arrays.stream(ids).mapToObj(i -> RandomHosts.backend(i, 1)).toList());
        RendezvousRouter router = RendezvousRouter.create(set, 1);
        int[] id = new int[router.size()];
        for (int i = 0; i < id.length; i++) {
            id[i] = Integer.parseInt(router.nameAt(i).substring(1));
        }
        return h -> id[router.ownerIndex(h)];
    }

    /** A hash ring with {@code points} virtual nodes per backend, binary search for the successor. */
    private static LongToIntFunction ring(int[] ids, int points) {
        int total = ids.length * points;
        long[][] pairs = new long[total][];
        int k = 0;
        for (int id : ids) {
            for (int p = 0; p < points; p++) {
                pairs[k++] = new long[] {NameHash.score(seed(id), p * 0x9e3779b97f4a7c15L + 1), id};
            }
        }
        Arrays.sort(pairs, (x, y) -> Long.compareUnsigned(x[0], y[0]));
        long[] keys = Arrays.stream(pairs).mapToLong(x -> x[0]).toArray();
        int[] owners = Arrays.stream(pairs).mapToInt(x -> (int) x[1]).toArray();
        return h -> owners[successor(keys, h)];
    }

    /** Multi-probe consistent hashing: one point per backend, the key probes {@code probes} times, closest wins. */
    private static LongToIntFunction multiProbe(int[] ids, int probes) {
        long[][] pairs = Arrays.stream(ids).mapToObj(id -> new long[] {NameHash.avalanche(seed(id)), id})
                .sorted((x, y) -> Long.compareUnsigned(x[0], y[0])).toArray(long[][]::new);
        long[] keys = Arrays.stream(pairs).mapToLong(x -> x[0]).toArray();
        int[] owners = Arrays.stream(pairs).mapToInt(x -> (int) x[1]).toArray();
        return h -> {
            long bestDistance = -1;
            int best = 0;
            for (int p = 0; p < probes; p++) {
                long probe = NameHash.score(h, p * 0xbf58476d1ce4e5b9L + 7);
                int at = successor(keys, probe);
                long distance = keys[at] - probe; // wraps correctly as an unsigned distance
                if (bestDistance == -1 || Long.compareUnsigned(distance, bestDistance) < 0) {
                    bestDistance = distance;
                    best = owners[at];
                }
            }
            return best;
        };
    }

    /** Maglev: a permutation-filled lookup table of prime size {@code m}. */
    private static LongToIntFunction maglev(int[] ids, int m) {
        int n = ids.length;
        long[] offset = new long[n];
        long[] skip = new long[n];
        for (int i = 0; i < n; i++) {
            long s = seed(ids[i]);
            offset[i] = Long.remainderUnsigned(NameHash.avalanche(s), m);
            skip[i] = Long.remainderUnsigned(NameHash.avalanche(s ^ 0x5555), m - 1) + 1;
        }
        int[] table = new int[m];
        Arrays.fill(table, -1);
        long[] next = new long[n];
        int filled = 0;
        while (filled < m) {
            for (int i = 0; i < n && filled < m; i++) {
                int c;
                do {
                    c = (int) ((offset[i] + next[i] * skip[i]) % m);
                    next[i]++;
                } while (table[c] >= 0);
                table[c] = ids[i];
                filled++;
            }
        }
        return h -> table[(int) Long.remainderUnsigned(h, m)];
    }

    /** The hybrid: the host picks one of {@code buckets}; each bucket's owner is precomputed by rendezvous. */
    private static LongToIntFunction bucketTable(int[] ids, int buckets) {
        LongToIntFunction hrw = rendezvous(ids);
        int[] table = new int[buckets];
        IntFunction<Integer> fill = b -> table[b] = hrw.applyAsInt(NameHash.avalanche(b + 0x1234567L));
        IntStream.range(0, buckets).parallel().forEach(fill::apply);
        return h -> table[(int) (h >>> 1) & (buckets - 1)];
    }

    /** Index of the first key at or after {@code h} (unsigned), wrapping to 0. */
    private static int successor(long[] keys, long h) {
        int lo = 0;
        int hi = keys.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(keys[mid], h) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == keys.length ? 0 : lo;
    }
}
