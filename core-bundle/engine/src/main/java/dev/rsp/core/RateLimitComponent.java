package dev.rsp.core;

import dev.rsp.config.RunningValues;
import dev.rsp.core.ratelimit.RateLimitSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code rsp.ratelimit} ({@code etc/rsp.ratelimit.cfg}) and hands valid limits to the core. Without the file
 * the component is not active and nothing is limited; deleting the file removes the limits. A version with a bad
 * value is logged line by line and not applied: the limits in force stay. When the first version read is bad, no
 * limits apply and, while rsp starts, the start fails ({@link LauncherLink#startFailed}): limits that silently do not
 * apply are worse than a failed start. (The configuration is required so that the first version DS hands over is
 * the file's, never an empty one that FileInstall has not filled yet.) A key removed from a running file keeps its
 * running value ({@link RunningValues}); a removed {@code rule.*} is gone. Runs on ConfigAdmin's thread, one call at
 * a time.
 */
@Component(immediate = true, configurationPid = "rsp.ratelimit", configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
public final class RateLimitComponent {

    private static final Logger log = LoggerFactory.getLogger(RateLimitComponent.class);

    @Reference
    private ProxyControl core;

    private final RunningValues running = new RunningValues(RateLimitSettings.SCHEMA);
    private BundleContext context;
    private boolean applied;

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) {
        this.context = context;
        modified(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        List<String> warnings = new ArrayList<>();
        Map<String, Object> effective = running.carry(properties, warnings);
        RateLimitSettings.Parsed parsed = RateLimitSettings.read(effective);
        if (parsed instanceof RateLimitSettings.Invalid invalid) {
            invalid.warnings().forEach(log::warn);
            String consequence = applied ? "keeping the rate limits in force"
                    : "no rate limits until etc/rsp.ratelimit.cfg is fixed";
            invalid.errors().forEach(e -> log.error("{}; {}", e, consequence));
            if (!applied) {
                LauncherLink.startFailed(context, invalid.errors().get(0));
            }
            return;
        }
        RateLimitSettings.Valid valid = (RateLimitSettings.Valid) parsed;
        valid.warnings().forEach(log::warn);
        warnings.forEach(log::warn);
        running.applied(effective);
        boolean changed = !valid.settings().equals(core.rateLimits());
        core.rateLimits(valid.settings());
        if (changed || !applied) {
            log.info("rsp.ratelimit applied: {}", summary(valid.settings()));
        }
        applied = true;
    }

    /** The file was deleted (or rsp stops): nothing is limited any more. */
    @Deactivate
    void deactivate() {
        core.rateLimits(RateLimitSettings.NONE);
    }

    private static String summary(RateLimitSettings s) {
        if (!s.any()) {
            return "no limits";
        }
        StringBuilder sb = new StringBuilder("top level: requests per client ").append(s.defaults().clientRequests())
                .append(", concurrent per client ").append(s.defaults().clientConcurrent() == 0 ? "none" : s.defaults().clientConcurrent())
                .append(", connections per client ").append(s.clientConnections())
                .append(", requests per host ").append(s.defaults().hostRequests());
        s.rules().forEach(r -> sb.append("; rule.").append(r.name()).append(' ').append(r.hosts()));
        return sb.toString();
    }
}
