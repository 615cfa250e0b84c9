package dev.rsp.core.admin;

import dev.rsp.core.CoreConfigs;
import dev.rsp.core.ProxyControl;
import dev.rsp.core.backend.BackendPublisher;
import dev.rsp.core.backend.BackendResolver;
import dev.rsp.core.backend.BackendsConfig;
import dev.rsp.core.backend.ParsedBackends;
import dev.rsp.core.backend.PassiveHealth;
import dev.rsp.core.backend.SourcedBackends;
import dev.rsp.core.metrics.TimeSeries;
import dev.rsp.core.proxy.ProxyEngine;
import dev.rsp.core.proxy.ProxySettings;
import dev.rsp.core.routing.RoutingTable;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A running engine on 127.0.0.1:0 with the test chain {@code reload, hash} (see {@link RoutingCommandsTest}) and an
 * in-memory {@link ConfigStore} whose writes are applied to the engine at once, as ConfigAdmin would.
 */
final class AdminFixture implements ProxyControl, ConfigStore, AutoCloseable {

    final RoutingTable routing = new RoutingTable(Runnable::run);
    final TimeSeries series = new TimeSeries();
    final ProxyEngine engine;
    final Map<String, Map<String, Object>> configs = new HashMap<>();
    int writes;
    /** Publishes on the calling thread, so a write is in force when it returns. */
    final BackendPublisher publisher;

    AdminFixture() throws IOException {
        this(Map.of());
    }

    /** With {@code core} added to (or replacing) the fixture's rsp.core properties. */
    AdminFixture(Map<String, Object> core) throws IOException {
        Map<String, Object> props = new HashMap<>();
        props.put("http.listen", "127.0.0.1:0");
        props.put("loops", "2");
        props.put("routing.chain", "reload, hash");
        props.putAll(core);
        ProxySettings settings = ((ProxySettings.Valid) ProxySettings.from(CoreConfigs.with(props))).settings();
        engine = new ProxyEngine(settings, routing, new PassiveHealth(3, 1_000_000_000L, System::nanoTime));
        engine.start();
        publisher = new BackendPublisher(Runnable::run, new BackendResolver(), engine::backends);
        routing.strategyAdded("reload", RoutingCommandsTest.RELOAD, 1, 0);
        routing.strategyAdded("hash", RoutingCommandsTest.MOD_HASH, 2, 0);
        configs.put("rsp.core", new LinkedHashMap<>(props));
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("backend.a", "127.0.0.1:1");
        b.put("backend.b", "127.0.0.1:2;weight=2");
        configs.put(BackendsConfig.PID, b);
        backends(b);
    }

    @Override
    public void backends(Map<String, ?> properties) {
        writes++;
        publisher.offer(new SourcedBackends(BackendsConfig.PID,
                ((ParsedBackends.Valid) BackendsConfig.parse(properties, 0)).backends().all()));
    }

    @Override
    public void headerRules(dev.rsp.core.edge.HeaderRules rules) {
        engine.headerRules(rules);
    }

    @Override
    public void rateLimits(dev.rsp.core.ratelimit.RateLimitSettings limits) {
        engine.rateLimits(limits);
    }

    @Override
    public dev.rsp.core.ratelimit.RateLimitSettings rateLimits() {
        return engine.rateLimiter().settings();
    }

    @Override
    public void backendSource(dev.rsp.core.backend.BackendSource source) {
        throw new UnsupportedOperationException("the admin tests use no other source");
    }

    @Override
    public dev.rsp.core.etcd.EtcdStats etcdStats() {
        return etcdStats;
    }

    private final dev.rsp.core.etcd.EtcdStats etcdStats = new dev.rsp.core.etcd.EtcdStats();

    @Override
    public RoutingTable routing() {
        return routing;
    }

    @Override
    public ProxyEngine engine() {
        return engine;
    }

    @Override
    public TimeSeries timeSeries() {
        return series;
    }

    @Override
    public Map<String, Object> read(String pid) {
        return new LinkedHashMap<>(configs.getOrDefault(pid, Map.of()));
    }

    @Override
    public void write(String pid, Map<String, Object> properties) {
        configs.put(pid, new LinkedHashMap<>(properties));
        if (pid.equals(BackendsConfig.PID)) {
            backends(properties);
        } else if (pid.equals("rsp.core")) {
            routing.chainChanged(List.of(String.valueOf(properties.get("routing.chain")).split(",\\s*")));
        }
    }

    @Override
    public boolean exists(String pid) {
        return configs.containsKey(pid);
    }

    AdminRoutes routes(String token) {
        AdminSettings s = ((AdminSettings.Valid) AdminSettings.from("127.0.0.1:0", token)).settings();
        return new AdminRoutes(this, s, this);
    }

    static AdminRequest get(String path, String query) {
        return new AdminRequest("GET", path, AdminRequest.params(query, ""), null, "127.0.0.1");
    }

    static AdminRequest call(String method, String path, String form, String authorization) {
        return new AdminRequest(method, path, AdminRequest.params("", form), authorization, "127.0.0.9");
    }

    @Override
    public void close() {
        engine.stop();
    }
}
