package dev.rsp.routing.lua;

import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Router;
import dev.rsp.spi.routing.RoutingStrategy;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

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

    private final LuaRules rules = new LuaRules(this::newVersion);
    private long generation;
    private ServiceRegistration<RoutingStrategy> registration;

    @Activate
    void activate(BundleContext context, LuaConfig config) {
        apply(config);
        synchronized (this) {
            registration = context.registerService(RoutingStrategy.class, this, properties());
        }
    }

    @Modified
    void modified(LuaConfig config) {
        apply(config);
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

    private void apply(LuaConfig c) {
        rules.configure(c.script(), c.budget_instructions(), c.budget_bytes(), c.budget_depth(), c.watch_interval_ms());
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
