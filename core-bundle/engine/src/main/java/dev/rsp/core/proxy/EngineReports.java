package dev.rsp.core.proxy;

import dev.rsp.spi.routing.Backend;

/** What {@link ProxyEngine} reports about itself to the admin API, the status page and tests: read-only values. */
public final class EngineReports {

    private EngineReports() {
    }

    /**
     * Where the engine stands against its limits: client connections open and {@code limits.connections}, whether
     * accepting is paused, bytes of buffers held and {@code limits.buffers} in force, direct memory the pools hold
     * and the JVM's limit.
     */
    public record Load(long connections, int maxConnections, boolean acceptPaused, long bufferBytes, long bufferBudget,
            long directReserved, long directLimit) {
    }

    /** Buffer accounting: buffers in use now and the sum of the loops' peaks, each of {@code bufferSize} bytes. */
    public record BufferUse(int inUse, int peak, int bufferSize) {
    }

    /** Direct buffer bytes held by the pools: taken by connections now, and released but kept for reuse. */
    public record PooledBytes(long inUse, long idle) {
    }

    /**
     * A configured backend and its health: {@code up} while traffic goes to it in its turn; {@code state} one of
     * {@code up}, {@code slow-start}, {@code down}, {@code ejected}, and {@code reason} why (empty when up). Its
     * concurrency limit in force ({@code ;maxconn}, else {@code backend.maxconn}; 0: none), the requests holding a slot
     * there and those waiting for one: counted only at backends with a limit (a request at a backend without one takes
     * no slot), so both are 0 without one, except for requests admitted before a limit was removed. A moment's reading
     * of counters other loops change: {@code inFlight} may pass {@code maxconn} by one for an instant while a slot is
     * handed to a waiter.
     */
    public record BackendStatus(Backend backend, boolean up, long healthFailures, String state, String reason,
            int inFlight, int maxconn, int queued) {
    }
}
