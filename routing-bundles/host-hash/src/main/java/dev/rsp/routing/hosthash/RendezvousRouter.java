package dev.rsp.routing.hosthash;

import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.RequestHead;
import dev.rsp.spi.routing.Router;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The host-hash router: weighted rendezvous (highest random weight) hashing of the canonical host over the
 * backends, identified by name.
 *
 * <p>Every backend {@code b} gets, for a host {@code h}, a score {@code u(h, b)} in (0, 1) from
 * {@link NameHash#score}; its weighted rank is {@code ln(u) / weight(b)} and the backend with the highest rank
 * owns the host. This is the exponential-race form of weighted rendezvous hashing: a backend of weight {@code w}
 * owns a share {@code w / sum(weights)} of all hosts, adding a backend moves only the hosts it now owns, and
 * removing one moves only the hosts it owned. The next-ranked backends are the retry candidates.
 *
 * <p>Backends of equal weight are grouped (at build time) so that within a group the plain score decides and a
 * logarithm is taken only for the best few of each group: with all weights equal a lookup is one hash of the
 * host plus one multiply-xorshift mix and one compare per backend, and no logarithm at all.
 *
 * <p>Decisions are remembered per router in a {@link DecisionCache} ({@code cache.size}), so a host seen recently
 * costs a hash and an array read whatever the number of backends; the cache is exact (a router lives for one
 * backend set), so balance and movement are the same with it and without.
 *
 * <p>Safe for concurrent use. {@link #select} takes no locks, never blocks, never throws; a cached decision
 * allocates nothing, a computed one the candidate list plus a few small arrays.
 */
final class RendezvousRouter implements Router {

    /** The most backends a router accepts; above it {@link #build} returns a router that passes. */
    static final int MAX_BACKENDS = 1 << 20;

    /** Low bits of a packed score hold the backend index; the bits above hold the score (43 bits). */
    private static final int INDEX_BITS = 20;
    private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;
    private static final double SCORE_UNIT = 0x1.0p-43;

    private static final Router PASS = request -> Decision.pass();

    /** Backend names grouped by weight (ascending), in name order within a group. */
    private final String[] names;
    private final long[] seeds;
    /** Exclusive end index in {@link #names} of each weight group. */
    private final int[] groupEnd;
    private final double[] groupWeight;
    private final int candidates;
    /** Null when {@code cache.size} is 0. */
    private final DecisionCache cache;

    private RendezvousRouter(List<Backend> ordered, int candidates, int cacheSlots) {
        int n = ordered.size();
        names = new String[n];
        seeds = new long[n];
        List<Integer> ends = new ArrayList<>();
        List<Integer> weights = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Backend b = ordered.get(i);
            names[i] = b.name();
            seeds[i] = NameHash.backend(b.name());
            if (i + 1 == n || ordered.get(i + 1).weight() != b.weight()) {
                ends.add(i + 1);
                weights.add(b.weight());
            }
        }
        groupEnd = ends.stream().mapToInt(Integer::intValue).toArray();
        groupWeight = weights.stream().mapToDouble(Integer::doubleValue).toArray();
        this.candidates = Math.min(candidates, n);
        this.cache = cacheSlots > 0 ? new DecisionCache(cacheSlots) : null;
    }

    /**
     * Builds a router; called off the network threads.
     *
     * @param backends   the configured backends, possibly empty
     * @param candidates how many distinct backends a decision names, 1 to {@link Decision#MAX_CANDIDATES}
     *                   (fewer when fewer backends are configured)
     * @param cacheSize  decisions remembered ({@link DecisionCache#slotsFor}); 0: none
     * @return a router that passes when there are no backends (or more than {@link #MAX_BACKENDS})
     */
    static Router build(Backends backends, int candidates, int cacheSize) {
        if (candidates < 1 || candidates > Decision.MAX_CANDIDATES) {
            throw new IllegalArgumentException("candidates must be 1 to " + Decision.MAX_CANDIDATES + ": " + candidates);
        }
        if (backends.all().isEmpty() || backends.all().size() > MAX_BACKENDS) {
            return PASS;
        }
        return create(backends, candidates, cacheSize);
    }

    /** Like {@link #build} without a cache. */
    static Router build(Backends backends, int candidates) {
        return build(backends, candidates, 0);
    }

    /** Like {@link #build} for a non-empty set without a cache, typed for tests that need {@link #ownerIndex}. */
    static RendezvousRouter create(Backends backends, int candidates) {
        return create(backends, candidates, 0);
    }

    private static RendezvousRouter create(Backends backends, int candidates, int cacheSize) {
        List<Backend> ordered = backends.all().stream()
                .sorted(Comparator.comparingInt(Backend::weight).thenComparing(Backend::name))
                .toList();
        return new RendezvousRouter(ordered, candidates, DecisionCache.slotsFor(cacheSize));
    }

    @Override
    public Decision select(RequestHead request) {
        String host = request.host();
        if (host == null) {
            return Decision.pass();
        }
        long hostHash = NameHash.host(host);
        if (cache == null) {
            return Decision.to(List.of(candidates(hostHash)));
        }
        Decision known = cache.get(hostHash);
        if (known == null) {
            known = Decision.to(List.of(candidates(hostHash)));
            cache.put(hostHash, known);
        }
        return known;
    }

    /** The candidate backend names for a host hash, best first; distinct, as many as configured. */
    String[] candidates(long hostHash) {
        int k = candidates;
        long[] top = new long[k];
        String[] out = new String[k];
        if (groupEnd.length == 1) {
            topOfGroup(hostHash, 0, names.length, top);
            for (int j = 0; j < k; j++) {
                out[j] = names[(int) (top[j] & INDEX_MASK)];
            }
            return out;
        }
        double[] bestRank = new double[k];
        int[] bestIndex = new int[k];
        Arrays.fill(bestRank, Double.NEGATIVE_INFINITY);
        int from = 0;
        for (int g = 0; g < groupEnd.length; g++) {
            int m = topOfGroup(hostHash, from, groupEnd[g], top);
            for (int j = 0; j < m; j++) {
                double rank = rank(top[j], groupWeight[g]);
                if (rank > bestRank[k - 1]) {
                    int at = k - 1;
                    while (at > 0 && bestRank[at - 1] < rank) {
                        bestRank[at] = bestRank[at - 1];
                        bestIndex[at] = bestIndex[at - 1];
                        at--;
                    }
                    bestRank[at] = rank;
                    bestIndex[at] = (int) (top[j] & INDEX_MASK);
                }
            }
            from = groupEnd[g];
        }
        for (int j = 0; j < k; j++) {
            out[j] = names[bestIndex[j]];
        }
        return out;
    }

    /** The index (into {@link #nameAt}) of the backend that owns a host hash: the first candidate, allocation-free. */
    int ownerIndex(long hostHash) {
        int best = -1;
        double bestRank = Double.NEGATIVE_INFINITY;
        int from = 0;
        for (int g = 0; g < groupEnd.length; g++) {
            long max = -1;
            for (int i = from, end = groupEnd[g]; i < end; i++) {
                long p = packed(hostHash, i);
                if (p > max) {
                    max = p;
                }
            }
            if (groupEnd.length == 1) {
                return (int) (max & INDEX_MASK);
            }
            double rank = rank(max, groupWeight[g]);
            if (rank > bestRank) {
                bestRank = rank;
                best = (int) (max & INDEX_MASK);
            }
            from = groupEnd[g];
        }
        return best;
    }

    /** The name of the backend at an index returned by {@link #ownerIndex}. */
    String nameAt(int index) {
        return names[index];
    }

    /** Number of backends. */
    int size() {
        return names.length;
    }

    /**
     * Fills {@code top} with the best packed scores of backends {@code [from, to)}, best first, and returns how many
     * it filled (fewer than {@code top.length} only when the group is smaller).
     */
    private int topOfGroup(long hostHash, int from, int to, long[] top) {
        Arrays.fill(top, -1L);
        long floor = -1;
        for (int i = from; i < to; i++) {
            long p = packed(hostHash, i);
            if (p > floor) {
                floor = insert(top, p);
            }
        }
        return Math.min(top.length, to - from);
    }

    /** Inserts {@code p} into the descending {@code top}, dropping the last; returns the new last. Rarely called. */
    private static long insert(long[] top, long p) {
        int at = top.length - 1;
        while (at > 0 && top[at - 1] < p) {
            top[at] = top[at - 1];
            at--;
        }
        top[at] = p;
        return top[top.length - 1];
    }

    /** A non-negative long ordering backends of one group: 43 score bits above the backend's index. */
    private long packed(long hostHash, int index) {
        return ((NameHash.score(hostHash, seeds[index]) >>> 1) & ~INDEX_MASK) | index;
    }

    /** The weighted rank {@code ln(u) / weight}, u in (0, 1) from the packed score; higher is better. */
    private static double rank(long packed, double weight) {
        double u = ((packed >>> INDEX_BITS) + 0.5) * SCORE_UNIT;
        return Math.log(u) / weight;
    }
}
