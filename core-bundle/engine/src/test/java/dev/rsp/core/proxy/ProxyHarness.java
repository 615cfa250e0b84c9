package dev.rsp.core.proxy;

import dev.rsp.core.CoreConfigs;
import dev.rsp.core.backend.BackendPublisher;
import dev.rsp.core.backend.BackendResolver;
import dev.rsp.core.backend.PassiveHealth;
import dev.rsp.core.backend.SourcedBackends;
import dev.rsp.core.routing.RoutingTable;
import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.RoutingStrategy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A running {@link ProxyEngine} on 127.0.0.1 and a free port, with a routing chain of one test strategy named
 * {@code test}: a request goes to the backends named in its {@code X-Backend} header (comma-separated, in order), or
 * else to the first backend by name.
 */
final class ProxyHarness implements AutoCloseable {

    static final String STRATEGY = "test";

    final RoutingTable routing = new RoutingTable(Runnable::run);
    final ProxyEngine engine;
    final PassiveHealth health;
    /** Publishes on the calling thread: a backend change is in force when {@link #backend} returns. */
    final BackendPublisher publisher;
    /** The access log lines of this engine (text format unless configured otherwise), in order. */
    final List<String> accessLines = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Backend> backends = new ArrayList<>();

    ProxyHarness(Map<String, ?> core) throws IOException {
        Map<String, Object> props = new HashMap<>();
        props.put("http.listen", "127.0.0.1:0");
        props.put("loops", "2");
        props.put("routing.chain", STRATEGY);
        props.putAll(core);
        ProxySettings settings = ((ProxySettings.Valid) ProxySettings.from(CoreConfigs.with(props))).settings();
        health = new PassiveHealth(settings.healthFailures(), settings.healthCooldownNanos(), System::nanoTime);
        engine = new ProxyEngine(settings, routing, health);
        engine.accessLines(accessLines::add);
        engine.start();
        publisher = new BackendPublisher(Runnable::run, new BackendResolver(), engine::backends);
    }

    ProxyHarness() throws IOException {
        this(Map.of());
    }

    /** Registers the test strategy (the chain names it from the start, so until then requests wait). */
    ProxyHarness withStrategy() {
        routing.strategyAdded(STRATEGY, testStrategy(), 1, 0);
        return this;
    }

    static RoutingStrategy testStrategy() {
        return all -> request -> {
            String wanted = request.header("x-backend").orElse("");
            if (!wanted.isEmpty()) {
                return Decision.to(Arrays.stream(wanted.split(",")).map(String::trim).toList());
            }
            return all.all().isEmpty() ? Decision.pass() : Decision.to(all.all().get(0).name());
        };
    }

    /** Adds a backend by name and port (weight 1) and publishes the set. */
    ProxyHarness backend(String name, int port) {
        backends.add(new Backend(name, "127.0.0.1", port, 1));
        publish();
        return this;
    }

    /** Adds {@code b} (any protocol) and publishes the set. */
    ProxyHarness backend(Backend b) {
        backends.add(b);
        publish();
        return this;
    }

    void removeBackend(String name) {
        backends.removeIf(b -> b.name().equals(name));
        publish();
    }

    private void publish() {
        publisher.offer(new SourcedBackends("test", List.copyOf(backends)));
    }

    int port() {
        return engine.localAddress().getPort();
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port());
    }

    /** The one access log line that contains {@code text}; fails when there is none. */
    String accessLine(String text) {
        return accessLines.stream().filter(l -> l.contains(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no access log line with '" + text + "' in " + accessLines));
    }

    /** Polls {@code condition} every 10 ms until it holds or {@code timeoutMs} passes. */
    static boolean await(BooleanSupplier condition, long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        return true;
    }

    @Override
    public void close() {
        engine.stop();
    }
}
