package dev.rsp.spi.routing;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A routing strategy, published as an OSGi service by a strategy bundle.
 *
 * <p>Register it with {@link #NAME_PROPERTY} set to the strategy's short name. When the strategy's own
 * configuration changes it updates its service properties (Declarative Services does this on a configuration
 * update), and the core builds a new router.
 */
@ConsumerType
public interface RoutingStrategy {

    /** Service property that carries the strategy's short, stable name, e.g. {@code host-hash}. */
    String NAME_PROPERTY = "rsp.strategy.name";

    /**
     * Builds an immutable router for the given backends.
     *
     * <p>Called by the core on a worker thread, never on a network thread, whenever the backend set or this
     * service's properties change. It may take time (building rings, compiling scripts). It must not return
     * {@code null}; a strategy that cannot route with these backends returns a router that passes.
     *
     * @param backends the backends currently configured, never {@code null}, possibly empty
     * @return a router that is safe to call from many threads at once
     */
    Router build(Backends backends);
}
