package dev.rsp.core.etcd;

import dev.rsp.core.LauncherLink;
import dev.rsp.core.ProxyControl;
import java.util.Map;
import java.util.Random;
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
 * Reads {@code rsp.etcd} ({@code etc/rsp.etcd.cfg}) and, while it exists, makes etcd the source of backends (those of
 * {@code etc/rsp.backends.cfg} are then not used) and, with {@code config = on}, overlays {@code <prefix>config/} on
 * the configurations of {@code etc/} ({@link EtcdConfigOverlay}).
 *
 * <p>Switching at runtime: creating the file puts etcd in force as soon as its first read succeeds (until then the
 * backends in force stay); deleting it puts the file's latest valid backends back in force at once and takes the
 * overlay away (every overlaid configuration is delivered again with its file values). A changed file closes the
 * watch and opens a new one; the backends in force stay until the new one has read etcd.
 *
 * <p>A bad value is logged line by line: at start nothing is read from etcd and the start fails
 * ({@link LauncherLink#startFailed}); later the settings in force stay. Runs on Declarative Services' threads, one
 * call at a time.
 */
@Component(immediate = true, configurationPid = EtcdSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
public final class EtcdComponent {

    private static final Logger log = LoggerFactory.getLogger("dev.rsp.core.etcd");

    @Reference
    private ProxyControl core;

    @Reference
    private ConfigurationAdmin configAdmin;

    private BundleContext context;
    private EtcdSettings running;
    private EtcdWatch watch;
    private EtcdConfigOverlay overlay;

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) {
        this.context = context;
        modified(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        EtcdSettings.Parsed parsed = EtcdSettings.read(properties);
        if (parsed instanceof EtcdSettings.Invalid invalid) {
            invalid.warnings().forEach(log::warn);
            String consequence = running == null ? "nothing is read from etcd until etc/rsp.etcd.cfg is fixed"
                    : "keeping the etcd settings in force";
            invalid.errors().forEach(e -> log.error("{}; {}", e, consequence));
            if (running == null) {
                LauncherLink.startFailed(context, invalid.errors().get(0));
            }
            return;
        }
        EtcdSettings.Valid valid = (EtcdSettings.Valid) parsed;
        valid.warnings().forEach(log::warn);
        if (valid.settings().equals(running)) {
            return;
        }
        if (watch != null) {
            watch.close();
            watch = null;
        }
        start(valid.settings());
    }

    /**
     * Starts reading etcd with {@code s}. An overlay in force (a changed file) is handed to its successor, so that
     * the configurations it covers are not delivered with their file values in between.
     */
    private void start(EtcdSettings s) {
        running = s;
        EtcdBackendSource backends = new EtcdBackendSource(s, core.etcdStats());
        EtcdConfigOverlay previous = overlay;
        overlay = s.config() ? new EtcdConfigOverlay(s, core.etcdStats(), configAdmin,
                previous == null ? Map.of() : previous.inForce()) : null;
        EtcdConfigOverlay configs = overlay;
        if (configs != null) {
            configs.register(context);
        }
        if (previous != null) {
            previous.close(configs == null);
        }
        watch = new EtcdWatch(s, core.etcdStats(), new Random(), snapshot -> {
            backends.snapshot(snapshot);
            if (configs != null) {
                configs.snapshot(snapshot);
            }
        });
        core.backendSource(backends);
        watch.start();
        log.info("rsp.etcd: backends from {}backends/ at {}{}; the backends of etc/rsp.backends.cfg are not used while "
                + "etc/rsp.etcd.cfg exists", s.prefix(), s.endpoints(),
                s.config() ? ", configuration overlaid from " + s.prefix() + "config/" : "");
    }

    private void stop() {
        if (watch != null) {
            watch.close();
            watch = null;
        }
        if (overlay != null) {
            overlay.close();
            overlay = null;
        }
    }

    @Deactivate
    void deactivate() {
        stop();
        running = null;
        core.backendSource(null);
        log.info("rsp.etcd: stopped; backends come from etc/rsp.backends.cfg again");
    }
}
