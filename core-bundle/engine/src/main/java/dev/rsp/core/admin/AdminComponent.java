package dev.rsp.core.admin;

import dev.rsp.core.LauncherLink;
import dev.rsp.core.ProxyControl;
import java.io.IOException;
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
 * there is no admin listener). A refused configuration (bad address, non-loopback address without a token) is
 * logged as an ERROR and nothing is bound; a configuration change rebinds. An address that cannot be bound when the
 * component starts is reported to the launcher ({@link LauncherLink}); at a later change the old listener stays.
 */
@Component(immediate = true, configurationPid = "rsp.admin", configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
public final class AdminComponent {

    private static final Logger log = LoggerFactory.getLogger("dev.rsp.core.admin");

    @Reference
    private ProxyControl core;

    @Reference
    private ConfigurationAdmin configAdmin;

    private AdminServer server;
    /** The configured address {@link #server} was bound for. */
    private java.net.InetSocketAddress listening;

    @Activate
    synchronized void activate(AdminConfig config, BundleContext context) {
        AdminSettings settings = settings(config);
        if (settings != null) {
            try {
                server = start(settings);
            } catch (IOException e) {
                String line = "rsp.admin listen " + address(settings) + ": " + e.getMessage();
                log.error("{}; the admin listener is not started", line);
                LauncherLink.startFailed(context, line);
            }
        }
    }

    /**
     * Applies a changed configuration. A new address is bound before the old listener closes, so when it cannot be
     * bound the old listener stays and one ERROR says why.
     */
    @Modified
    synchronized void modified(AdminConfig config) {
        AdminSettings settings = settings(config);
        if (settings == null) {
            stop();
            return;
        }
        AdminServer old = server;
        boolean sameAddress = old != null && settings.listen().equals(listening);
        if (sameAddress) {
            stop();
        }
        try {
            server = start(settings);
        } catch (IOException e) {
            log.error("rsp.admin listen {}: {}; {}", address(settings), e.getMessage(),
                    old != null && !sameAddress ? "still listening on " + address(old) : "the admin listener is not started");
            return;
        }
        if (old != null && !sameAddress) {
            old.close();
        }
    }

    /** The settings, or null (and one ERROR) when they are refused. */
    private static AdminSettings settings(AdminConfig config) {
        AdminSettings.Parsed parsed = AdminSettings.from(config.listen(), config.token());
        if (parsed instanceof AdminSettings.Invalid invalid) {
            log.error("rsp.admin: {}; the admin listener is not started", invalid.reason());
            return null;
        }
        return ((AdminSettings.Valid) parsed).settings();
    }

    private AdminServer start(AdminSettings settings) throws IOException {
        AdminServer started = AdminServer.start(settings.listen(), new AdminRoutes(core, settings, new ConfigAdminStore(configAdmin)));
        listening = settings.listen();
        log.info("rsp admin listening on http://{}/ (mutations {})", address(started),
                settings.token().isPresent() ? "on, with a token" : "off: no token");
        return started;
    }

    private static String address(AdminSettings settings) {
        return settings.listen().getHostString() + ":" + settings.listen().getPort();
    }

    private static String address(AdminServer server) {
        return server.address().getHostString() + ":" + server.address().getPort();
    }

    @Deactivate
    synchronized void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
