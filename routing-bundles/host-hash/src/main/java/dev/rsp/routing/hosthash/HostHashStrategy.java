package dev.rsp.routing.hosthash;

import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.Router;
import dev.rsp.spi.routing.RoutingStrategy;
import java.lang.System.Logger.Level;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The {@code host-hash} routing strategy: a host always goes to the same backend, chosen by consistent hashing of
 * the canonical host ({@link dev.rsp.spi.routing.RequestHead#host()}) over the backends' names, honouring weights.
 * See {@link RendezvousRouter} for the algorithm.
 *
 * <p>Configuration is optional (PID {@value #PID}, {@link HostHashConfig}). A configuration with an invalid value is
 * logged and ignored: the previous good value stays in force. A change updates the service properties, upon which
 * the core builds a new router.
 */
@Component(immediate = true, configurationPid = HostHashStrategy.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = RoutingStrategy.NAME_PROPERTY + "=" + HostHashStrategy.NAME)
@Designate(ocd = HostHashConfig.class)
public final class HostHashStrategy implements RoutingStrategy {

    /** The strategy's name in {@code routing.chain}. */
    public static final String NAME = "host-hash";
    /** The configuration PID. */
    public static final String PID = "rsp.routing.hosthash";
    /** Candidates per decision when not configured. */
    public static final int DEFAULT_CANDIDATES = 3;

    private static final System.Logger LOG = System.getLogger(HostHashStrategy.class.getName());

    private volatile int candidates = DEFAULT_CANDIDATES;

    /** Activated by Declarative Services, with the configuration or its defaults. */
    @Activate
    public HostHashStrategy(HostHashConfig config) {
        apply(config);
    }

    @Modified
    void modified(HostHashConfig config) {
        apply(config);
    }

    /** Builds a router over {@code backends} with the current configuration; called off the network threads. */
    @Override
    public Router build(Backends backends) {
        return RendezvousRouter.build(backends, candidates);
    }

    /** The configured number of candidates per decision. */
    int candidates() {
        return candidates;
    }

    private void apply(HostHashConfig config) {
        int c = config.candidates();
        if (c < 1 || c > Decision.MAX_CANDIDATES) {
            LOG.log(Level.ERROR, "{0}: candidates must be 1 to {1}, not {2}; keeping {3}",
                    PID, Decision.MAX_CANDIDATES, c, candidates);
            return;
        }
        candidates = c;
    }
}
