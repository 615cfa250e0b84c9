package dev.rsp.core.admin;

import dev.rsp.config.Reading;
import dev.rsp.config.RunningValues;
import dev.rsp.core.CorePids;
import dev.rsp.core.LauncherLink;
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
 * is logged as an ERROR: at activation nothing is bound and the start fails ({@link LauncherLink}); later the running
 * listener keeps its settings, as every rsp PID does. An accepted change rebinds; a new address is bound before the
 * old listener closes, so one that cannot be bound leaves the old listener running (one ERROR says why).
 */
@Component(immediate = true, configurationPid = "rsp.admin", configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
public final class AdminComponent {

    private static final Logger log = LoggerFactory.getLogger("dev.rsp.core.admin");

    @Reference
    private ProxyControl core;

    @Reference
    private ConfigurationAdmin configAdmin;

    private AdminServer server;
    /** The settings {@link #server} runs with. */
    private AdminSettings applied;
    private String firstProblem;
    /** Binding the admin address once the rsp this one replaces has let it go; null otherwise. */
    private AdminBindRetry bindRetry;
    private final RunningValues running = new RunningValues(CorePids.ADMIN);

    @Activate
    synchronized void activate(BundleContext context, Map<String, Object> properties) {
        Optional<AdminSettings> settings = settings(properties, "the admin listener is not started");
        if (settings.isEmpty()) {
            LauncherLink.startFailed(context, firstProblem);
            return;
        }
        try {
            server = start(settings.get());
        } catch (IOException e) {
            if (AdminBindRetry.applies(e)) {
                log.info("rsp.admin listen {} is held by the rsp being replaced (pid {}): binding it once that one has "
                        + "stopped", address(settings.get()), System.getProperty(AdminBindRetry.TAKEOVER_PROPERTY));
                bindRetry = new AdminBindRetry(() -> bindFreed(settings.get()));
                return;
            }
            String line = "rsp.admin listen " + address(settings.get()) + ": " + e.getMessage();
            log.error("{}; the admin listener is not started", line);
            LauncherLink.startFailed(context, line);
        }
    }

    /** A refused configuration leaves the running listener and its settings alone. */
    @Modified
    synchronized void modified(Map<String, Object> properties) {
        Optional<AdminSettings> next = settings(properties,
                server == null ? "the admin listener is not started" : "keeping the previous admin settings");
        if (next.isEmpty() || next.get().equals(applied) && server != null) {
            return;
        }
        AdminServer old = server;
        boolean sameAddress = old != null && next.get().listen().equals(applied.listen());
        if (sameAddress) {
            stop();
        }
        try {
            server = start(next.get());
        } catch (IOException e) {
            log.error("rsp.admin listen {}: {}; {}", address(next.get()), e.getMessage(),
                    old != null && !sameAddress ? "still listening on " + address(applied) : "the admin listener is not started");
            return;
        }
        if (old != null && !sameAddress) {
            old.close();
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

    /** For {@link AdminBindRetry}: true once bound, or when there is nothing more to bind (stopped, or bound since). */
    private synchronized boolean bindFreed(AdminSettings settings) {
        if (bindRetry == null || server != null) {
            return true;
        }
        try {
            server = start(settings);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private AdminServer start(AdminSettings settings) throws IOException {
        AdminServer started = AdminServer.start(settings.listen(), new AdminRoutes(core, settings, new ConfigAdminStore(configAdmin)));
        applied = settings;
        log.info("rsp admin listening on http://{}:{}/ (mutations {})", started.address().getHostString(),
                started.address().getPort(), settings.token().isPresent() ? "on, with a token" : "off: no token");
        return started;
    }

    private static String address(AdminSettings settings) {
        return settings.listen().getHostString() + ":" + settings.listen().getPort();
    }

    @Deactivate
    synchronized void stop() {
        if (bindRetry != null) {
            bindRetry.cancel();
            bindRetry = null;
        }
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
