package dev.rsp.core.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.backend.HostLookup.ServiceTarget;
import dev.rsp.spi.routing.Backend;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SRV names: what is one, what it expands to (lowest priority, weights), and the configuration syntax. */
class ServiceBackendsTest {

    static final Backend API = new Backend("api", "_http._tcp.api.internal", 80, 1, Backend.Protocol.H2,
            Backend.Tls.VERIFIED, 7);

    @Test
    void anSrvNameStartsWithServiceAndProtocolLabels() {
        assertTrue(ServiceBackends.isServiceName("_http._tcp.api.internal"));
        assertTrue(ServiceBackends.isServiceName("_grpc._tcp.svc"));
        assertFalse(ServiceBackends.isServiceName("_http._tcp"), "no domain");
        assertFalse(ServiceBackends.isServiceName("api.internal"));
        assertFalse(ServiceBackends.isServiceName("_dmarc.example.com"), "one underscore label is an ordinary name");
        assertFalse(ServiceBackends.isServiceName("_._tcp.x"));
    }

    @Test
    void onlyTheLowestPriorityIsUsedEachTargetABackendWithTheConfiguredOptions() {
        List<Backend> out = ServiceBackends.expand(API, List.of(
                new ServiceTarget(20, 5, 8080, "backup.internal"),
                new ServiceTarget(10, 3, 8080, "web1.internal"),
                new ServiceTarget(10, 0, 9090, "web2.internal")));
        assertEquals(List.of(
                new Backend("api/web1.internal:8080", "web1.internal", 8080, 3, Backend.Protocol.H2, Backend.Tls.VERIFIED, 7),
                new Backend("api/web2.internal:9090", "web2.internal", 9090, 1, Backend.Protocol.H2, Backend.Tls.VERIFIED, 7)),
                out, "priority 20 left out; weight 0 becomes 1");
    }

    @Test
    void weightsAboveTheRspMaximumAreScaledKeepingRatios() {
        assertEquals(1000, ServiceBackends.weight(1000, 1000));
        assertEquals(1000, ServiceBackends.weight(60_000, 60_000));
        assertEquals(500, ServiceBackends.weight(30_000, 60_000));
        assertEquals(1, ServiceBackends.weight(1, 60_000), "never below 1");
        assertEquals(1, ServiceBackends.weight(0, 0));
    }

    @Test
    void noTargetsNoBackends() {
        assertEquals(List.of(), ServiceBackends.expand(API, List.of()));
    }

    @Test
    void theConfigurationAcceptsAnSrvNameWithOrWithoutAPort() {
        ParsedBackends p = BackendsConfig.parse(Map.of("backend.api", "_http._tcp.api.internal;proto=h2",
                "backend.grpc", "_grpc._tcp.svc.internal:1234"), 0);
        ParsedBackends.Valid v = assertInstanceOf(ParsedBackends.Valid.class, p, p.toString());
        assertEquals("_http._tcp.api.internal", v.backends().named("api").orElseThrow().host());
        assertEquals(Backend.Protocol.H2, v.backends().named("api").orElseThrow().protocol());
        assertEquals("_grpc._tcp.svc.internal", v.backends().named("grpc").orElseThrow().host());

        ParsedBackends bad = BackendsConfig.parse(Map.of("backend.x", "api.internal"), 0);
        assertInstanceOf(ParsedBackends.Invalid.class, bad, "an ordinary host still needs its port");
    }
}
