package dev.rsp.core.admin;

import dev.rsp.core.ProxyControl;
import java.io.IOException;
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
 * logged as an ERROR and nothing is bound; a configuration change rebinds.
 */
@Component(immediate = true, configurationPid = "rsp.admin", configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
public final class AdminComponent {

    private static final Logger log = LoggerFactory.getLogger("dev.rsp.core.admin");

    @Reference
    private ProxyControl core;

    @Reference
    private ConfigurationAdmin configAdmin;

    private AdminServer server;

    @Activate
    @Modified
    synchronized void apply(AdminConfig config) {
        stop();
        AdminSettings.Parsed parsed = AdminSettings.from(config.listen(), config.token());
        if (parsed instanceof AdminSettings.Invalid invalid) {
            log.error("rsp.admin: {}; the admin listener is not started", invalid.reason());
            return;
        }
        AdminSettings settings = ((AdminSettings.Valid) parsed).settings();
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
