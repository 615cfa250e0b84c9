package dev.rsp.tls.front;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.tls.front.TlsSettings.Mode;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TlsSettingsTest {

    static final TlsSettings.Supported JDK = TlsSettings.Supported.byJdk();

    static TlsSettings valid(Map<String, ?> properties) {
        return assertInstanceOf(TlsSettings.Valid.class, TlsSettings.parse(properties, JDK)).settings();
    }

    static List<String> errors(Map<String, ?> properties) {
        return assertInstanceOf(TlsSettings.Invalid.class, TlsSettings.parse(properties, JDK)).errors();
    }

    @Test
    void defaults() {
        TlsSettings s = valid(Map.of());
        assertEquals(new InetSocketAddress("0.0.0.0", 8443), s.listen());
        assertEquals(Mode.TERMINATE, s.mode());
        assertEquals(TlsSettings.resolveHome("etc/certs"), s.certsDir());
        assertEquals(16384, s.helloMaxBytes());
        assertEquals(Duration.ofSeconds(10), s.helloTimeout());
        assertEquals(Duration.ofSeconds(2), s.certsPoll());
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), s.protocols());
        assertTrue(s.ciphers().containsAll(List.of("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")), s.ciphers().toString());
        assertEquals(Optional.empty(), s.defaultBackend());
        assertEquals(0, s.backendPort());
        assertFalse(s.selfSignedDefault());
        assertFalse(s.toString().contains("key.password=" + s.keyPassword() + "x"));
    }

    @Test
    void everyPropertyIsRead() {
        TlsSettings s = valid(Map.ofEntries(Map.entry("listen", "[::1]:9443"), Map.entry("mode", "passthrough"),
                Map.entry("certs.dir", "/srv/certs"), Map.entry("key.password", "pw"), Map.entry("certs.poll.ms", "0"),
                Map.entry("selfsigned.default", "true"), Map.entry("hello.max.bytes", 4096),
                Map.entry("hello.timeout.ms", "2_500"), Map.entry("protocols", "TLSv1.3"),
                Map.entry("ciphers", "TLS_AES_256_GCM_SHA384"), Map.entry("passthrough.default.backend", "demo-1"),
                Map.entry("passthrough.backend.port", "443")));
        assertEquals(new InetSocketAddress("::1", 9443), s.listen());
        assertEquals(Mode.PASSTHROUGH, s.mode());
        assertEquals(Path.of("/srv/certs"), s.certsDir());
        assertEquals("pw", s.keyPassword());
        assertFalse(s.toString().contains("pw"), "the password is not printed");
        assertEquals(Duration.ZERO, s.certsPoll());
        assertTrue(s.selfSignedDefault());
        assertEquals(4096, s.helloMaxBytes());
        assertEquals(Duration.ofMillis(2500), s.helloTimeout());
        assertEquals(List.of("TLSv1.3"), s.protocols());
        assertEquals(List.of("TLS_AES_256_GCM_SHA384"), s.ciphers());
        assertEquals(Optional.of("demo-1"), s.defaultBackend());
        assertEquals(443, s.backendPort());
    }

    @Test
    void relativeCertsDirIsUnderTheRspHome() {
        String before = System.getProperty("rsp.home");
        System.setProperty("rsp.home", "/opt/rsp");
        try {
            assertEquals(Path.of("/opt/rsp/etc/certs"), valid(Map.of()).certsDir());
            assertEquals(Path.of("/opt/rsp/tls"), valid(Map.of("certs.dir", "tls")).certsDir());
            assertEquals(Path.of("/opt/rsp/etc/certs"), valid(Map.of("certs.dir", "${rsp.home}/etc/certs")).certsDir());
        } finally {
            if (before == null) {
                System.clearProperty("rsp.home");
            } else {
                System.setProperty("rsp.home", before);
            }
        }
    }

    @Test
    void eachBadValueIsNamed() {
        assertEquals(List.of("mode = 'both': expected terminate or passthrough"), errors(Map.of("mode", "both")));
        assertTrue(errors(Map.of("listen", "8443")).get(0).startsWith("listen = '8443'"));
        assertEquals(List.of("listen = '0.0.0.0:99999': port 99999 out of range (0-65535)"),
                errors(Map.of("listen", "0.0.0.0:99999")));
        assertEquals(List.of("listen = '::1:8443': an IPv6 address must be in brackets, e.g. [::1]:8080"),
                errors(Map.of("listen", "::1:8443")));
        assertTrue(errors(Map.of("listen", "bad host:1")).get(0).contains("contains ' '"));
        assertTrue(errors(Map.of("hello.max.bytes", "lots")).get(0).startsWith("hello.max.bytes = 'lots'"));
        assertTrue(errors(Map.of("hello.max.bytes", "10")).get(0).startsWith("hello.max.bytes"));
        assertTrue(errors(Map.of("hello.timeout.ms", "-1")).get(0).startsWith("hello.timeout.ms"));
        assertTrue(errors(Map.of("protocols", "SSLv2, TLSv1.3")).get(0).contains("'SSLv2'"));
        assertTrue(errors(Map.of("protocols", " ")).get(0).startsWith("protocols"));
        assertTrue(errors(Map.of("ciphers", "TLS_NOPE")).get(0).startsWith("ciphers"));
        assertTrue(errors(Map.of("selfsigned.default", "yes")).get(0).startsWith("selfsigned.default"));
        assertTrue(errors(Map.of("passthrough.default.backend", "a b")).get(0).startsWith("passthrough.default.backend"));
        assertTrue(errors(Map.of("passthrough.backend.port", "70000")).get(0).startsWith("passthrough.backend.port"));
        assertTrue(errors(Map.of("hello.timeout", "10s")).get(0).contains("use hello.timeout.ms"));
        assertEquals(2, errors(Map.of("mode", "x", "listen", "y")).size(), "every bad property, not just the first");
    }

    @Test
    void unsupportedCiphersAreLeftOutWithAWarning() {
        TlsSettings.Parsed p = TlsSettings.parse(Map.of("ciphers", "TLS_AES_128_GCM_SHA256, TLS_MADE_UP"),
                new TlsSettings.Supported(Set.of("TLSv1.3", "TLSv1.2"), Set.of("TLS_AES_128_GCM_SHA256")));
        TlsSettings.Valid v = assertInstanceOf(TlsSettings.Valid.class, p);
        assertEquals(List.of("TLS_AES_128_GCM_SHA256"), v.settings().ciphers());
        assertEquals(1, v.warnings().size());
        assertTrue(v.warnings().get(0).contains("TLS_MADE_UP"));
    }

    @Test
    void engineAlpnAndCipherOrderDefaults() {
        TlsSettings s = valid(Map.of());
        assertEquals(TlsSettings.Engine.AUTO, s.engine());
        assertEquals(List.of("h2", "http/1.1"), s.alpn());
        assertTrue(s.preferClientCiphers(), "the default suites are all strong: the client's order decides");
    }

    @Test
    void engineAlpnAndCipherOrderAreRead() {
        TlsSettings s = valid(Map.of("engine", "NATIVE", "alpn", "http/1.1", "prefer.client.ciphers", "false"));
        assertEquals(TlsSettings.Engine.NATIVE, s.engine());
        assertEquals(List.of("http/1.1"), s.alpn());
        assertFalse(s.preferClientCiphers());
        assertEquals(TlsSettings.Engine.JSSE, valid(Map.of("engine", "jsse")).engine());
        assertEquals(List.of(), valid(Map.of("alpn", "")).alpn(), "empty: ALPN answered with nothing");
        assertTrue(valid(Map.of("prefer.client.ciphers", "true")).preferClientCiphers());
    }

    @Test
    void autoCipherOrderIsRspsOnceAWeakSuiteIsConfigured() {
        assertFalse(valid(Map.of("ciphers", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"))
                .preferClientCiphers(), "CBC is not strong");
        assertTrue(valid(Map.of("ciphers", "TLS_AES_256_GCM_SHA384, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"))
                .preferClientCiphers());
        assertTrue(TlsSettings.strong("TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"));
        assertFalse(TlsSettings.strong("TLS_RSA_WITH_AES_128_GCM_SHA256"), "no forward secrecy");
    }

    @Test
    void badEngineAlpnAndCipherOrderAreNamed() {
        List<String> errors = errors(Map.of("engine", "fast", "alpn", "h2, http/1.1 , \u00e9", "prefer.client.ciphers", "client"));
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("engine = 'fast'")), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("alpn: '\u00e9'")), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("prefer.client.ciphers = 'client'")), errors.toString());
        assertTrue(errors(Map.of("alpn", "x".repeat(256))).get(0).startsWith("alpn: "), "at most 255 characters");
    }

    @Test
    void anAlpnProtocolRspDoesNotSpeakIsAWarning() {
        TlsSettings.Valid v = assertInstanceOf(TlsSettings.Valid.class, TlsSettings.parse(Map.of("alpn", "h3, h2, http/1.1"), JDK));
        assertEquals(1, v.warnings().size(), v.warnings().toString());
        assertTrue(v.warnings().get(0).contains("'h3'") && v.warnings().get(0).contains("tls.alpn.unspoken"), v.warnings().toString());
        assertTrue(assertInstanceOf(TlsSettings.Valid.class, TlsSettings.parse(Map.of(), JDK)).warnings().isEmpty(),
                "rsp speaks both protocols of the default list");
        assertTrue(assertInstanceOf(TlsSettings.Valid.class, TlsSettings.parse(Map.of("alpn", "http/1.1"), JDK)).warnings().isEmpty());
    }

    @Test
    void sessionAndStaplingDefaultsAreThoseOfNginxAndHaproxyWithStaplingOn() {
        TlsSettings s = valid(Map.of());
        assertEquals(Optional.empty(), s.ticketKeysFile());
        assertEquals(20_000, s.sessionCacheSize());
        assertEquals(Duration.ofSeconds(300), s.sessionTimeout());
        assertTrue(s.ocspStapling());
    }

    @Test
    void sessionAndStaplingPropertiesAreRead() {
        TlsSettings s = valid(Map.of("tickets.keys.file", "/etc/rsp/tickets.keys", "session.cache.size", "0",
                "session.timeout.ms", "3600000", "ocsp.stapling", "false"));
        assertEquals(Optional.of(Path.of("/etc/rsp/tickets.keys")), s.ticketKeysFile());
        assertEquals(0, s.sessionCacheSize());
        assertEquals(Duration.ofHours(1), s.sessionTimeout());
        assertFalse(s.ocspStapling());
        assertEquals(Optional.of(TlsSettings.resolveHome("etc/tickets.keys")),
                valid(Map.of("tickets.keys.file", "etc/tickets.keys")).ticketKeysFile(), "relative to the rsp home");
    }

    @Test
    void badSessionAndStaplingValuesAreNamed() {
        List<String> errors = errors(Map.of("session.cache.size", "-1", "session.timeout.ms", "500",
                "ocsp.stapling", "sometimes"));
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("session.cache.size = '-1'")), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("session.timeout.ms = '500'")), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("ocsp.stapling = 'sometimes'")), errors.toString());
        assertTrue(errors(Map.of("session.timeout.ms", "604800001")).get(0).startsWith("session.timeout.ms"), "7 days at most");
        assertTrue(errors(Map.of("session.timeout.s", "300")).get(0).contains("use session.timeout.ms"));
    }

    @Test
    void anOcspFetchIsBoundedAsAWholeBy10sByDefaultAndTheBoundIsRead() {
        assertEquals(Duration.ofSeconds(10), valid(Map.of()).ocspFetchTimeout());
        assertEquals(Duration.ofMillis(2500), valid(Map.of("ocsp.fetch.timeout.ms", "2500")).ocspFetchTimeout());
        assertEquals(Duration.ofMinutes(5), valid(Map.of("ocsp.fetch.timeout.ms", 300_000L)).ocspFetchTimeout());
    }

    @Test
    void aBadOcspFetchTimeoutIsNamed() {
        assertTrue(errors(Map.of("ocsp.fetch.timeout.ms", "0")).get(0).startsWith(
                "ocsp.fetch.timeout.ms = '0': expected a whole number from 100 to 300000"), "no unbounded fetch");
        assertTrue(errors(Map.of("ocsp.fetch.timeout.ms", "300001")).get(0).startsWith("ocsp.fetch.timeout.ms"));
        assertTrue(errors(Map.of("ocsp.fetch.timeout.ms", "soon")).get(0).startsWith("ocsp.fetch.timeout.ms = 'soon'"));
        assertTrue(errors(Map.of("ocsp.fetch.timeout", "10000")).get(0).contains("use ocsp.fetch.timeout.ms"));
    }

    @Test
    void theProxyProtocolKeysAreReadAsRspCoresAreAndOffByDefault() {
        assertEquals(dev.rsp.spi.tls.ProxyProtocol.OFF, valid(Map.of()).proxyProtocol());
        dev.rsp.spi.tls.ProxyProtocol p = valid(Map.of("proxy.protocol", "v2", "proxy.trusted", "10.1.0.0/16, 2001:db8::/32",
                "proxy.timeout.ms", "2000", "proxy.max.v2.bytes", "1024")).proxyProtocol();
        assertEquals(new dev.rsp.spi.tls.ProxyProtocol(dev.rsp.spi.tls.ProxyProtocol.Versions.V2,
                List.of("10.1.0.0/16", "2001:db8:0:0:0:0:0:0/32"), Duration.ofSeconds(2), 1024), p);
        assertEquals(List.of("proxy.trusted: required with proxy.protocol = v1: the addresses of the load balancers that "
                + "send the header (CIDRs, e.g. 10.0.0.0/8, 2001:db8::/32); 0.0.0.0/0, ::/0 trusts everyone"),
                errors(Map.of("proxy.protocol", "v1")));
        assertEquals(List.of("proxy.trusted: 'lb.internal' is not an address range: expected an IPv4 or IPv6 address, "
                + "optionally with /bits (10.0.0.0/8, 2001:db8::/32)"), errors(Map.of("proxy.trusted", "lb.internal")));
        assertTrue(errors(Map.of("proxy.timeout.ms", "0")).get(0).startsWith("proxy.timeout.ms = '0': expected a whole "
                + "number from 100 to 60000"));
    }
}
