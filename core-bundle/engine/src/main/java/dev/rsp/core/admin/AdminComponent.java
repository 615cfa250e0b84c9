package dev.rsp.core.admin;

import dev.rsp.config.Reading;
import dev.rsp.config.RunningValues;
import dev.rsp.config.StartFailure;
import dev.rsp.core.CorePids;
import dev.rsp.core.ProxyControl;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener as a component: PID {@code rsp.admin} ({@code etc/rsp.admin.cfg}, required: without the file
 * there is no admin listener). A refused configuration (bad address, bad token, non-loopback address without a token)
 * is logged as an ERROR: at activation nothing is bound and the start fails ({@link StartFailure}); later the running
 * listener keeps its settings, as every rsp PID does. An accepted change rebinds.
 */
@Component(immediate = true, configurationPid = "rsp.admin", configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
public final class AdminComponent {

    private static final Logger log = LoggerFactory.getLogger("dev.rsp.core.admin");

    @Reference
    private ProxyControl core;

    @Reference
    private ConfigurationAdmin configAdmin;

    private AdminServer server;
    private AdminSettings applied;
    private String firstProblem;
    private final RunningValues running = new RunningValues(CorePids.ADMIN);

    @Activate
    synchronized void activate(BundleContext context, Map<String, Object> properties) {
        Optional<AdminSettings> settings = settings(properties, "the admin listener is not started");
        if (settings.isEmpty()) {
            StartFailure.report(context, firstProblem);
            return;
        }
        listen(settings.get());
    }

    /** A refused configuration leaves the running listener and its settings alone. */
    @Modified
    synchronized void modified(Map<String, Object> properties) {
        Optional<AdminSettings> settings = settings(properties,
                server == null ? "the admin listener is not started" : "keeping the previous admin settings");
        if (settings.isPresent() && !settings.get().equals(applied)) {
            stop();
            listen(settings.get());
        }
    }

    private Optional<AdminSettings> settings(Map<String, Object> properties, String consequence) {
        List<String> warnings = new ArrayList<>();
        Map<String, Object> effective = running.carry(properties, warnings);
        Reading reading = CorePids.ADMIN.read(effective);
        reading.warnings().forEach(log::warn);
        warnings.forEach(log::warn);
        String problem = reading.errors().isEmpty() ? null : reading.errors().get(0);
        if (problem == null) {
            AdminConfig config = reading.as(AdminConfig.class);
            AdminSettings.Parsed parsed = AdminSettings.from(config.listen(), config.token());
            if (parsed instanceof AdminSettings.Valid valid) {
                running.applied(effective);
                return Optional.of(valid.settings());
            }
            problem = "rsp.admin: " + ((AdminSettings.Invalid) parsed).reason();
        }
        reading.errors().stream().skip(1).forEach(e -> log.error("{}; {}", e, consequence));
        log.error("{}; {}", problem, consequence);
        firstProblem = problem;
        return Optional.empty();
    }

    private void listen(AdminSettings settings) {
        applied = settings;
        try {
            server = AdminServer.start(settings.listen(), new AdminRoutes(core, settings, new ConfigAdminStore(configAdmin)));
            log.info("rsp admin listening on http://{}:{}/ (mutations {})", server.address().getHostString(),
                    server.address().getPort(), settings.token().isPresent() ? "on, with a token" : "off: no token");
        } catch (IOException e) {
            log.error("rsp.admin: cannot listen on {}: {}", settings.listen(), e.getMessage());
        }
    }

    @Deactivate
    synchronized void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
