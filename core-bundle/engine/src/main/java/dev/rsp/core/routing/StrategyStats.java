package dev.rsp.core.routing;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one strategy name, kept by the {@link RoutingTable} across snapshot swaps and service changes.
 *
 * <p>Each call of a router's {@code select} adds one to exactly one of {@link #routed}, {@link #passed},
 * {@link #rehosted}, {@link #invalidRehost} or {@link #errors}. {@link #unknownBackend} counts backend names a
 * router chose that are not configured (dropped from the candidates); a route whose names are all unknown counts
 * as passed. Updated by network threads without locks; read from any thread.
 */
public final class StrategyStats {

    private final String name;
    private final LongAdder routed = new LongAdder();
    private final LongAdder passed = new LongAdder();
    private final LongAdder rehosted = new LongAdder();
    private final LongAdder invalidRehost = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder unknownBackend = new LongAdder();

    StrategyStats(String name) {
        this.name = name;
    }

    /** The strategy name these counters belong to. */
    public String name() {
        return name;
    }

    /** Requests for which this strategy chose at least one configured backend. */
    public long routed() {
        return routed.sum();
    }

    /** Requests this strategy passed on, including routes that named only unknown backends. */
    public long passed() {
        return passed.sum();
    }

    /** Requests this strategy rehosted with a valid host. */
    public long rehosted() {
        return rehosted.sum();
    }

    /** Rehost answers whose host was not a valid host name; treated as pass. */
    public long invalidRehost() {
        return invalidRehost.sum();
    }

    /**
     * Selects that threw, answered {@code null}, or rehosted once more than {@link RoutingSnapshot#MAX_REHOSTS}
     * allows; all treated as pass.
     */
    public long errors() {
        return errors.sum();
    }

    /** Backend names chosen by this strategy that were not configured, dropped from candidates. */
    public long unknownBackend() {
        return unknownBackend.sum();
    }

    void countRouted() {
        routed.increment();
    }

    void countPassed() {
        passed.increment();
    }

    void countRehosted() {
        rehosted.increment();
    }

    void countInvalidRehost() {
        invalidRehost.increment();
    }

    void countError() {
        errors.increment();
    }

    void countUnknownBackends(int n) {
        unknownBackend.add(n);
    }

    @Override
    public String toString() {
        return name + "{routed=" + routed() + ", passed=" + passed() + ", rehosted=" + rehosted()
                + ", invalidRehost=" + invalidRehost() + ", errors=" + errors() + ", unknownBackend=" + unknownBackend() + "}";
    }
}
