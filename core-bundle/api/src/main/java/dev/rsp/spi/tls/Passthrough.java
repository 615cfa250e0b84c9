package dev.rsp.spi.tls;

import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The core does not terminate TLS: it routes the connection by the ClientHello's server name through the routing
 * chain, as if it were the Host, replays the peeked bytes to the chosen backend and relays both directions byte for
 * byte. Called on the core's network threads: cheap, never blocking.
 */
@ConsumerType
public non-sealed interface Passthrough extends TlsHandling {

    /** The backend that gets connections without a (valid) server name, or empty to close them. */
    Optional<String> defaultBackend();

    /** The port backends take TLS on, or 0 to use each backend's own port. */
    int backendPort();
}
