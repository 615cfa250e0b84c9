package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.rsp.core.CoreConfigs;
import dev.rsp.spi.routing.Backend;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The keys of retries and backend concurrency in rsp.core: defaults, and one clear line per bad value. */
class BackendLimitsTest {

    static ProxySettings.Parsed parse(Map<String, ?> props) {
        return ProxySettings.from(CoreConfigs.with(props));
    }

    @Test
    void defaults() {
        BackendLimits l = ProxySettings.defaults(CoreConfigs.DEFAULTS).backendLimits();
        assertEquals(new BackendLimits(20, 10, 0, 100, TimeUnit.SECONDS.toNanos(5)), l);
        assertEquals(0, l.limitOf(new Backend("a", "a", 80, 1)), "no limit by default");
    }

    @Test
    void aBackendsOwnMaxconnWinsOverTheDefault() {
        BackendLimits l = ((ProxySettings.Valid) parse(Map.of("backend.maxconn", "50", "backend.queue.timeout.ms", "2000")))
                .settings().backendLimits();
        assertEquals(50, l.limitOf(new Backend("a", "a", 80, 1)));
        assertEquals(7, l.limitOf(new Backend("b", "b", 80, 1, Backend.Protocol.HTTP1, Backend.Tls.NONE, 7)));
        assertEquals(TimeUnit.SECONDS.toNanos(2), l.queueTimeoutNanos());
    }

    @Test
    void badValuesAreNamed() {
        ProxySettings.Invalid invalid = assertInstanceOf(ProxySettings.Invalid.class, parse(Map.of(
                "backend.retry.budget.percent", "1001", "backend.retry.budget.min.per.second", "-1",
                "backend.maxconn", "-5", "backend.queue.size", "-1", "backend.queue.timeout.ms", "0")));
        assertEquals(List.of("backend.retry.budget.percent must be 0 to 1000, not 1001",
                "backend.retry.budget.min.per.second must not be negative, not -1",
                "backend.maxconn must be 0 (no limit) or more, not -5",
                "backend.queue.size must not be negative, not -1",
                "backend.queue.timeout.ms must be positive, not 0"), invalid.errors());
    }
}
