package dev.rsp.spi.routing;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The per-request half of a strategy: an immutable snapshot built by {@link RoutingStrategy#build}.
 *
 * <p>{@link #select} runs on the core's network threads, concurrently. It must not block, do I/O, take locks
 * that other threads hold for long, or throw; it should allocate little. An exception thrown anyway is counted
 * against the strategy and treated as {@link Decision#pass()}.
 */
@ConsumerType
public interface Router {

    /**
     * Decides where a request goes.
     *
     * @param request a read-only view of the request head, valid only during this call
     * @return the decision, never {@code null}
     */
    Decision select(RequestHead request);
}
