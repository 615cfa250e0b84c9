package dev.rsp.routing.reloadpath;

import dev.rsp.config.Reading;
import dev.rsp.config.RunningValues;
import dev.rsp.config.Schema;
import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Router;
import dev.rsp.spi.routing.RoutingStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code reload-path} strategy: a request whose path names a domain (by default
 * {@code /.../<domain>/reload}, e.g. {@code /api/v0/user/fred/webapps/Fred.Example.com/reload}) is routed as if
 * its host were that domain; every other request is left to the next strategy. Put it before {@code host-hash} in
 * {@code routing.chain}.
 *
 * <p>Configuration: {@link ReloadPathConfig}, PID {@value #PID}, optional. A configuration that does not validate
 * (a pattern that does not compile, lacks the group {@code domain} or is too long; a bad method name) is logged
 * as an error naming the PID, the key, the value and the reason, and the last good rule stays in force; at
 * activation that is the default rule. The service stays registered either way. Declarative Services updates the
 * service properties after {@link #modified}, so the core rebuilds the router, which carries the rule in force.
 *
 * <p>Threads: {@link #activate} and {@link #modified} run on Declarative Services' threads, {@link #build} on the
 * core's builder thread; the rule is handed over through a volatile field.
 */
@Component(immediate = true, configurationPid = ReloadPathStrategy.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = RoutingStrategy.NAME_PROPERTY + "=" + ReloadPathStrategy.NAME)
@Designate(ocd = ReloadPathConfig.class)
public final class ReloadPathStrategy implements RoutingStrategy {

    /** The strategy's name in {@code routing.chain}. */
    static final String NAME = "reload-path";
    /** The configuration PID. */
    static final String PID = "rsp.routing.reloadpath";

    private static final Logger LOG = LoggerFactory.getLogger(ReloadPathStrategy.class);

    private volatile PathRule rule = PathRule.DEFAULT;

    /** The keys of {@value #PID}, shared with {@code bin/rsp check}. */
    static final Schema SCHEMA = Schema.fromAnnotation(PID, ReloadPathConfig.class);

    private final RunningValues running = new RunningValues(SCHEMA);

    @Activate
    void activate(Map<String, Object> properties) {
        apply(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        apply(properties);
    }

    private synchronized void apply(Map<String, Object> properties) {
        List<String> missing = new ArrayList<>();
        Map<String, Object> effective = running.carry(properties, missing);
        missing.forEach(LOG::warn);
        Reading reading = SCHEMA.read(effective);
        reading.warnings().forEach(LOG::warn);
        reading.errors().forEach(e -> LOG.error("{}; keeping {}", e, rule));
        if (reading.valid()) {
            ReloadPathConfig config = reading.as(ReloadPathConfig.class);
            if (configure(config.path_pattern(), config.methods())) {
                running.applied(effective);
            }
        }
    }

    /**
     * Applies a configuration, or logs why not and keeps the rule in force.
     *
     * @return true when the configuration was accepted
     */
    boolean configure(String pattern, String[] methods) {
        PathRule.Parsed parsed = PathRule.parse(pattern, methods);
        if (parsed instanceof PathRule.Invalid invalid) {
            for (PathRule.Problem p : invalid.problems()) {
                LOG.error("{}: {} = '{}' rejected: {}; keeping {}", PID, p.key(), p.value(), p.reason(), rule);
            }
            return false;
        }
        rule = ((PathRule.Valid) parsed).rule();
        LOG.info("{}: {} in force", PID, rule);
        return true;
    }

    /** The rule in force. */
    PathRule rule() {
        return rule;
    }

    /** The rule does not depend on the backends: the router only names a host, host-hash picks the backend. */
    @Override
    public Router build(Backends backends) {
        return new ReloadPathRouter(rule);
    }
}
