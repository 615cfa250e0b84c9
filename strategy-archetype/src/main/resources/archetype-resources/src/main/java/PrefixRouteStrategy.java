package ${package};

import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.Router;
import dev.rsp.spi.routing.RoutingStrategy;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing strategy {@value NAME}: a request whose path starts with {@code path.prefix} goes to the configured
 * backends, most preferred first; any other request is left to the next strategy in {@code routing.chain}.
 *
 * <p>A Declarative Services component providing {@link RoutingStrategy} under the service property
 * {@value RoutingStrategy#NAME_PROPERTY}{@code =}{@value NAME}, by which the core finds it; {@code immediate = true}
 * registers it as soon as the bundle starts. Its configuration (PID {@value PID}) is optional and typed
 * ({@link PrefixRouteConfig}); after a change Declarative Services calls {@code modified} and then updates the
 * service properties, which makes the core call {@link #build} again. A bad value is logged with the PID, the key,
 * the value and the reason, and the last good settings stay.
 *
 * <p>{@link #build} runs on the core's builder thread, never on a network thread: the work happens there, and the
 * returned {@link PrefixRouter} is immutable. The settings reach it through a volatile field, since Declarative
 * Services configures the component on its own threads.
 */
@Component(immediate = true, configurationPid = PrefixRouteStrategy.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = RoutingStrategy.NAME_PROPERTY + "=" + PrefixRouteStrategy.NAME)
@Designate(ocd = PrefixRouteConfig.class)
public final class PrefixRouteStrategy implements RoutingStrategy {

    /** The strategy's name in {@code routing.chain} and in the access log. */
    static final String NAME = "${strategyName}";
    /** The configuration PID: {@code etc/${configPid}.cfg}. */
    static final String PID = "${configPid}";

    private static final Logger LOG = LoggerFactory.getLogger(PrefixRouteStrategy.class);

    /** What the configuration asks for; checked, so that {@link #build} cannot fail on it. */
    record Settings(String prefix, List<String> backends) {
    }

    private volatile Settings settings = new Settings("/", List.of());

    @Activate
    void activate(PrefixRouteConfig config) {
        configure(config.path_prefix(), config.backends());
    }

    @Modified
    void modified(PrefixRouteConfig config) {
        configure(config.path_prefix(), config.backends());
    }

    /**
     * Takes new settings, or logs why not and keeps the ones in force.
     *
     * @return true when the settings were accepted
     */
    boolean configure(String prefix, String[] backends) {
        Settings old = settings;
        String p = prefix == null ? "" : prefix.strip();
        if (!p.startsWith("/") || p.contains("?") || p.chars().anyMatch(Character::isWhitespace)) {
            LOG.error("{}: path.prefix = '{}' rejected: a path prefix starts with / and has no ? or spaces; keeping {}",
                    PID, prefix, old);
            return false;
        }
        List<String> names = new ArrayList<>();
        for (String entry : backends == null ? new String[0] : backends) {
            for (String name : entry.split(",")) { // a .cfg file gives one string: "b1, b2"
                if (!name.isBlank()) {
                    names.add(name.strip());
                }
            }
        }
        if (names.size() > Decision.MAX_CANDIDATES) {
            LOG.error("{}: backends = {} rejected: at most {} backends; keeping {}", PID, names, Decision.MAX_CANDIDATES, old);
            return false;
        }
        settings = new Settings(p, List.copyOf(names));
        LOG.info("{}: routing {}* to {}", PID, p, names.isEmpty() ? "every backend" : names);
        return true;
    }

    /** The settings in force. */
    Settings settings() {
        return settings;
    }

    @Override
    public Router build(Backends backends) {
        Settings s = settings;
        return new PrefixRouter(s.prefix(), candidates(s.backends(), backends));
    }

    /** The configured names that are configured backends too, in order; or every backend, up to the limit. */
    private static List<String> candidates(List<String> wanted, Backends backends) {
        if (wanted.isEmpty()) {
            return backends.all().stream().map(b -> b.name()).limit(Decision.MAX_CANDIDATES).toList();
        }
        return wanted.stream().filter(name -> backends.named(name).isPresent()).toList();
    }
}
