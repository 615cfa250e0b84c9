package dev.rsp.core.proxy;

import dev.rsp.core.net.DirectMemory;

/**
 * How many bytes of I/O buffers the loops may hold before new requests are answered {@code 503} with
 * {@code Retry-After} instead of being taken on ({@code limits.buffers}): by default three quarters of the JVM's
 * direct memory limit, so that the exchanges already admitted can still grow into the rest (and past it the pools
 * fall back to heap buffers, see {@link DirectMemory}). Each loop checks its own share, the budget divided by the
 * loops: a check adds a few loop-confined counts, no shared state.
 */
final class BufferBudget {

    private BufferBudget() {
    }

    /** The budget in bytes for {@code settings}: {@code limits.buffers}, or three quarters of the direct limit. */
    static long bytes(ProxySettings settings) {
        return settings.bufferBudget() > 0 ? settings.bufferBudget() : DirectMemory.limit() / 4 * 3;
    }
}
