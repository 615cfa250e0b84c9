package dev.rsp.demo;

import dev.rsp.config.Addresses;
import dev.rsp.config.Schema;
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
import org.osgi.service.component.annotations.Modified;
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

    /** The keys of {@code rsp.demo}, shared with {@code bin/rsp check}. */
    static final Schema SCHEMA = Schema.of("rsp.demo").prefix(PREFIX);

    @Activate
    void activate(Map<String, Object> properties) {
        SCHEMA.read(properties).warnings().forEach(log::warn);
        List<String> errors = new ArrayList<>();
        Map<String, InetSocketAddress> backends = parse(properties, errors);
        errors.forEach(e -> log.error("{}; no demo backend is started", e));
        if (errors.isEmpty()) {
            start(backends);
        }
    }

    /** A configuration with a bad entry leaves the running demo backends alone; a good one restarts them. */
    @Modified
    void modified(Map<String, Object> properties) {
        SCHEMA.read(properties).warnings().forEach(log::warn);
        List<String> errors = new ArrayList<>();
        Map<String, InetSocketAddress> backends = parse(properties, errors);
        errors.forEach(e -> log.error("{}; keeping the running demo backends", e));
        if (errors.isEmpty()) {
            deactivate();
            start(backends);
        }
    }

    private void start(Map<String, InetSocketAddress> backends) {
        for (Map.Entry<String, InetSocketAddress> e : backends.entrySet()) {
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
     * Reads {@code backend.<name> = host:port} entries; adds one line per bad entry to {@code errors}.
     *
     * @return backends by name, in name order
     */
    static Map<String, InetSocketAddress> parse(Map<String, ?> properties, List<String> errors) {
        Map<String, InetSocketAddress> out = new TreeMap<>();
        for (Map.Entry<String, ?> e : new TreeMap<>(properties).entrySet()) {
            if (!e.getKey().startsWith(PREFIX)) {
                continue;
            }
            String name = e.getKey().substring(PREFIX.length());
            String value = String.valueOf(e.getValue()).trim();
            Addresses.Parsed parsed = Addresses.parse(value, Addresses.Ports.LISTEN);
            if (name.isEmpty()) {
                errors.add("rsp.demo: " + e.getKey() + " = '" + value + "': missing backend name after '" + PREFIX + "'");
            } else if (parsed instanceof Addresses.Refused refused) {
                errors.add("rsp.demo: " + e.getKey() + " = '" + value + "': " + refused.reason());
            } else {
                Addresses.Address a = (Addresses.Address) parsed;
                out.put(name, new InetSocketAddress(a.host(), a.port()));
            }
        }
        return out;
    }
}
