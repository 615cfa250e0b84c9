package dev.rsp.testkit.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FakeRequestTest {

    @Test
    void aRequestAnswersAsTheCoresHeadsDo() {
        FakeRequest r = FakeRequest.get("Bücher.Example.COM.:8443", "/api/v1?x=1&y=2").header("X-Tenant", "  t1 ")
                .header("x-tenant", "t2").from("10.0.0.7");
        assertEquals("GET", r.method());
        assertEquals("xn--bcher-kva.example.com", r.host());
        assertEquals("/api/v1", r.path());
        assertEquals("x=1&y=2", r.query());
        assertEquals(Optional.of("t1"), r.header("X-TENANT"), "the first value, case-insensitive, trimmed");
        assertEquals(Optional.empty(), r.header("X-Other"));
        assertEquals(new InetSocketAddress("10.0.0.7", 40000), r.clientAddress());
        assertEquals(Optional.empty(), r.sni());
        assertEquals("GET xn--bcher-kva.example.com/api/v1?x=1&y=2 [x-tenant: t1] [x-tenant: t2]", r.toString());
    }

    @Test
    void copiesLeaveTheOriginalAlone() {
        FakeRequest plain = FakeRequest.request("POST", "[::1]:8080", "/");
        FakeRequest tls = plain.sni("Api.Example.com").header("A", "b");
        assertEquals("[::1]", plain.host());
        assertEquals(Optional.empty(), plain.sni());
        assertEquals(Optional.empty(), plain.header("A"));
        assertEquals(Optional.of("api.example.com"), tls.sni());
        assertEquals("", tls.query());
    }

    @Test
    void aPassthroughConnectionHasOnlyItsServerName() {
        FakeRequest r = FakeRequest.passthrough("Secure.Example.com");
        assertEquals(List.of("", "/", "", "secure.example.com", Optional.of("secure.example.com")),
                List.of(r.method(), r.path(), r.query(), r.host(), r.sni()));
    }

    @Test
    void aTargetMustBeAPath() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FakeRequest.get("a.example", "api"));
        assertEquals("a request target starts with / (or is *), not 'api'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FakeRequest.get(":80"));
    }

    @Test
    void backendsAreSortedByNameWithPortsInTheOrderAdded() {
        Backends b = TestBackends.builder().add("zeta", 3).add("alpha").generation(7).build();
        assertEquals(7, b.generation());
        assertEquals(List.of(new Backend("alpha", "127.0.0.1", 9102, 1), new Backend("zeta", "127.0.0.1", 9101, 3)), b.all());
        assertEquals(List.of("demo-1", "demo-2"), TestBackends.named("demo-2", "demo-1").all().stream().map(Backend::name).toList());
        assertEquals(List.of(), TestBackends.none().all());
        assertThrows(IllegalArgumentException.class, () -> TestBackends.named("a", "a"));
    }
}
