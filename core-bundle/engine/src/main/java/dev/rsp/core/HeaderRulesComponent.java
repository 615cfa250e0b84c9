package dev.rsp.core;

import dev.rsp.config.RunningValues;
import dev.rsp.core.edge.HeaderRules;
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
 * Reads {@code rsp.headers} ({@code etc/rsp.headers.cfg}) and hands valid header rules to the core. Without the file
 * the component is not active and no rule applies; deleting the file removes the rules. A version with a bad value is
 * logged line by line and not applied: the rules in force stay. When the first version read is bad, no rule applies
 * and, while rsp starts, the start fails ({@link LauncherLink#startFailed}): a security header that silently is not
 * sent is worse than a failed start. Runs on ConfigAdmin's thread, one call at a time.
 */
@Component(immediate = true, configurationPid = "rsp.headers", configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
public final class HeaderRulesComponent {

    private static final Logger log = LoggerFactory.getLogger(HeaderRulesComponent.class);

    @Reference
    private ProxyControl core;

    private final RunningValues running = new RunningValues(HeaderRules.SCHEMA);
    private BundleContext context;
    private boolean applied;
    private HeaderRules current = HeaderRules.NONE;

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) {
        this.context = context;
        modified(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        List<String> warnings = new ArrayList<>();
        Map<String, Object> effective = running.carry(properties, warnings);
        HeaderRules.Parsed parsed = HeaderRules.read(effective);
        if (parsed instanceof HeaderRules.Invalid invalid) {
            invalid.warnings().forEach(log::warn);
            String consequence = applied ? "keeping the header rules in force"
                    : "no header rules until etc/rsp.headers.cfg is fixed";
            invalid.errors().forEach(e -> log.error("{}; {}", e, consequence));
            if (!applied) {
                LauncherLink.startFailed(context, invalid.errors().get(0));
            }
            return;
        }
        HeaderRules.Valid valid = (HeaderRules.Valid) parsed;
        valid.warnings().forEach(log::warn);
        warnings.forEach(log::warn);
        running.applied(effective);
        boolean changed = !valid.rules().equals(current);
        current = valid.rules();
        core.headerRules(valid.rules());
        if (changed || !applied) {
            log.info("rsp.headers applied: {}", valid.rules());
        }
        applied = true;
    }

    /** The file was deleted (or rsp stops): no rule applies any more. */
    @Deactivate
    void deactivate() {
        core.headerRules(HeaderRules.NONE);
    }
}
