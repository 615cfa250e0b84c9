package dev.rsp.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the demo backends named in {@code etc/rsp.demo.cfg} (PID {@code rsp.demo}), one small HTTP server per
 * {@code backend.<name> = host:port} entry. Without that configuration nothing starts; production configurations
 * leave both the configuration and this bundle out.
 */
@Component(immediate = true, configurationPid = "rsp.demo", configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
public final class DemoBackends {

    private static final Logger log = LoggerFactory.getLogger(DemoBackends.class);
    static final String PREFIX = "backend.";

    private final List<DemoServer> servers = new ArrayList<>();

    @Activate
    void activate(Map<String, Object> properties) {
        for (Map.Entry<String, InetSocketAddress> e : parse(properties).entrySet()) {
            DemoServer server = new DemoServer(e.getKey(), e.getValue());
            try {
                server.start();
                servers.add(server);
                log.info("demo backend {} listening on {}", e.getKey(), server.address());
            } catch (IOException ex) {
                log.error("demo backend {} cannot listen on {}: {}", e.getKey(), e.getValue(), ex.toString());
            }
        }
    }

    @Deactivate
    void deactivate() {
        servers.forEach(DemoServer::stop);
        servers.clear();
    }

    /**
     * Reads {@code backend.<name> = host:port} entries; entries that do not parse are logged and skipped.
     *
     * @return backends by name, in name order
     */
    static Map<String, InetSocketAddress> parse(Map<String, ?> properties) {
        Map<String, InetSocketAddress> out = new TreeMap<>();
        for (Map.Entry<String, ?> e : properties.entrySet()) {
            if (!e.getKey().startsWith(PREFIX)) {
                continue;
            }
            String name = e.getKey().substring(PREFIX.length());
            String value = String.valueOf(e.getValue()).trim();
            int colon = value.lastIndexOf(':');
            try {
                if (name.isEmpty() || colon <= 0) {
                    throw new IllegalArgumentException("expected host:port");
                }
                int port = Integer.parseInt(value.substring(colon + 1));
                if (port < 0 || port > 65535) {
                    throw new IllegalArgumentException("port out of range");
                }
                out.put(name, new InetSocketAddress(value.substring(0, colon), port));
            } catch (IllegalArgumentException ex) {
                log.error("rsp.demo: ignoring {} = '{}': {}", e.getKey(), value, ex.getMessage());
            }
        }
        return out;
    }
}
