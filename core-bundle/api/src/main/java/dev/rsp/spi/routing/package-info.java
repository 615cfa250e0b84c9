/**
 * The routing SPI of rsp: what a routing-strategy bundle implements and what it may see of a request.
 *
 * <p>A strategy is an OSGi service of type {@link dev.rsp.spi.routing.RoutingStrategy} registered with the
 * service property {@value dev.rsp.spi.routing.RoutingStrategy#NAME_PROPERTY} set to a short, stable name
 * ({@code host-hash}, {@code reload-path}, {@code lua}). The core finds strategies by that name only.
 *
 * <p>Build vs select: whenever the backend set or the strategy's own configuration changes, the core calls
 * {@link dev.rsp.spi.routing.RoutingStrategy#build} off the network threads and publishes the returned
 * {@link dev.rsp.spi.routing.Router} as an immutable snapshot. For every request a network thread calls
 * {@link dev.rsp.spi.routing.Router#select} on the snapshot that was current when the request arrived.
 *
 * <p>Nothing in this package refers to NIO types or to the engine's internals.
 */
@Export
@Version("0.4.0")
package dev.rsp.spi.routing;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
