package dev.rsp.routing.lua;

import dev.rsp.config.Reading;
import dev.rsp.config.RunningValues;
import dev.rsp.config.Schema;
import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Router;
import dev.rsp.spi.routing.RoutingStrategy;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code lua} routing strategy: routing rules in a Lua script ({@link LuaConfig}, PID {@value LuaRules#PID}),
 * sandboxed ({@link SandboxGlobals}), budgeted per call ({@link Budget}) and reloaded when the file changes.
 *
 * <p>The component registers its {@link RoutingStrategy} service itself rather than through Declarative Services:
 * a new script version must make the core build new routers, and the core does so when the service's properties
 * change, which Declarative Services only does on a configuration change. Each new version bumps
 * {@value #GENERATION}.
 *
 * <p>Threads: activation and configuration on Declarative Services' threads, reloads on the watch thread, {@link
 * #build} on the core's builder thread; {@link LuaRules} publishes the version in force through a volatile field.
 */
@Component(immediate = true, configurationPid = LuaRules.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {})
@Designate(ocd = LuaConfig.class)
public final class LuaStrategy implements RoutingStrategy {

    /** The strategy's name in {@code routing.chain}. */
    static final String NAME = "lua";
    /** Service property that changes with every script version in force. */
    static final String GENERATION = "rsp.lua.generation";

    private static final Logger LOG = LoggerFactory.getLogger(LuaStrategy.class);

    private final LuaRules rules = new LuaRules(this::newVersion);
    private long generation;
    private ServiceRegistration<RoutingStrategy> registration;

    /** The keys of {@value LuaRules#PID}, shared with {@code bin/rsp check}. */
    static final Schema SCHEMA = Schema.fromAnnotation(LuaRules.PID, LuaConfig.class);

    private final RunningValues running = new RunningValues(SCHEMA);

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) {
        apply(properties);
        synchronized (this) {
            registration = context.registerService(RoutingStrategy.class, this, properties());
        }
    }

    @Modified
    void modified(Map<String, Object> properties) {
        apply(properties);
    }

    @Deactivate
    void deactivate() {
        rules.close();
        synchronized (this) {
            if (registration != null) {
                try {
                    registration.unregister();
                } catch (IllegalStateException alreadyGone) {
                    // the framework unregisters a stopping bundle's services itself
                }
                registration = null;
            }
        }
    }

    @Override
    public Router build(Backends backends) {
        return rules.build(backends);
    }

    /** Checks every key first (a bad or unknown one is logged); then {@link LuaRules} checks the ranges and loads. */
    private synchronized void apply(Map<String, Object> properties) {
        List<String> missing = new ArrayList<>();
        Map<String, Object> effective = running.carry(properties, missing);
        missing.forEach(LOG::warn);
        Reading reading = SCHEMA.read(effective);
        reading.warnings().forEach(LOG::warn);
        reading.errors().forEach(e -> LOG.error("{}; keeping the previous configuration", e));
        if (reading.valid()) {
            LuaConfig c = reading.as(LuaConfig.class);
            if (rules.configure(c.script(), c.script_text(), Budget.of(c), c.watch_interval_ms())) {
                running.applied(effective);
            }
        }
    }

    private synchronized void newVersion() {
        generation++;
        if (registration != null) {
            try {
                registration.setProperties(properties());
            } catch (IllegalStateException unregistered) {
                // deactivated meanwhile
            }
        }
    }

    private Hashtable<String, Object> properties() {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(NAME_PROPERTY, NAME);
        p.put(GENERATION, generation);
        return p;
    }
}
