package dev.rsp.routing.exampleheader;

import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Router;
import dev.rsp.spi.routing.RoutingStrategy;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An example routing strategy, named {@value #NAME}: a request that carries the header {@code X-Route-To} (the name
 * is configurable) naming a configured backend goes to that backend; any other request is left to the next strategy
 * in {@code routing.chain}. It is the file to copy when writing a strategy (see docs/writing-a-strategy.md).
 *
 * <p>How it follows the SPI:
 * <ul>
 *   <li>It is a Declarative Services component that provides {@link RoutingStrategy} with the service property
 *       {@value RoutingStrategy#NAME_PROPERTY}{@code =}{@value #NAME}: the core finds strategies by that name only.
 *       {@code immediate = true} registers it as soon as the bundle starts.</li>
 *   <li>Its configuration (PID {@value #PID}) is optional and typed ({@link HeaderRouteConfig}). On a change
 *       Declarative Services calls {@link #modified} and then updates the service properties, which makes the core
 *       call {@link #build} again.</li>
 *   <li>A bad value is logged with the PID, the key, the value and the reason, and the last good value stays.</li>
 *   <li>{@link #build} runs on the core's builder thread, never on a network thread: it does the work (here,
 *       preparing the answers) and returns an immutable {@link HeaderRouter}. The configuration reaches it through
 *       a volatile field, since Declarative Services calls {@link #activate} and {@link #modified} on its own
 *       threads.</li>
 * </ul>
 */
@Component(immediate = true, configurationPid = HeaderRouteStrategy.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = RoutingStrategy.NAME_PROPERTY + "=" + HeaderRouteStrategy.NAME)
@Designate(ocd = HeaderRouteConfig.class)
public final class HeaderRouteStrategy implements RoutingStrategy {

    /** The strategy's name in {@code routing.chain}. */
    static final String NAME = "example-header";
    /** The configuration PID: {@code etc/rsp.routing.exampleheader.cfg}. */
    static final String PID = "rsp.routing.exampleheader";
    static final String DEFAULT_HEADER = "X-Route-To";

    private static final Logger LOG = LoggerFactory.getLogger(HeaderRouteStrategy.class);

    private volatile String headerName = DEFAULT_HEADER;

    @Activate
    void activate(HeaderRouteConfig config) {
        configure(config.header_name());
    }

    @Modified
    void modified(HeaderRouteConfig config) {
        configure(config.header_name());
    }

    /**
     * Takes a new header name, or logs why not and keeps the one in force.
     *
     * @return true when the name was accepted
     */
    boolean configure(String name) {
        String trimmed = name == null ? "" : name.trim();
        if (!isToken(trimmed)) {
            LOG.error("{}: header.name = '{}' rejected: not a header field name; keeping '{}'", PID, name, headerName);
            return false;
        }
        headerName = trimmed;
        LOG.info("{}: routing by header {}", PID, trimmed);
        return true;
    }

    /** The header name in force. */
    String headerName() {
        return headerName;
    }

    @Override
    public Router build(Backends backends) {
        return new HeaderRouter(headerName, backends);
    }

    /** A header field name is an RFC 9110 token: at least one letter, digit or {@code !#$%&'*+-.^_`|~}. */
    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean alnum = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
            if (!alnum && "!#$%&'*+-.^_`|~".indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }
}
