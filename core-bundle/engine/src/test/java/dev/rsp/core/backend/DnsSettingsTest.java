package dev.rsp.core.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.CoreConfigs;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The dns.* keys of rsp.core: defaults, servers, and one clear line per bad value. */
class DnsSettingsTest {

    static List<String> errors(Map<String, String> props) {
        List<String> errors = new ArrayList<>();
        DnsSettings.from(CoreConfigs.with(props), errors);
        return errors;
    }

    @Test
    void theDefaultsAreTheSystemsResolversAndHostsFileOneSecondToFiveMinutes() {
        List<String> errors = new ArrayList<>();
        assertEquals(DnsSettings.DEFAULTS, DnsSettings.from(CoreConfigs.DEFAULTS, errors));
        assertEquals(List.of(), errors);
        assertEquals(List.of(), DnsSettings.DEFAULTS.servers(), "empty: /etc/resolv.conf");
        assertEquals("/etc/hosts", DnsSettings.DEFAULTS.hostsFile());
        assertEquals(TimeUnit.SECONDS.toNanos(1), DnsSettings.DEFAULTS.ttlMinNanos());
        assertEquals(TimeUnit.SECONDS.toNanos(300), DnsSettings.DEFAULTS.ttlMaxNanos());
    }

    @Test
    void serversAreAddressesWithAnOptionalPort() {
        List<String> errors = new ArrayList<>();
        DnsSettings s = DnsSettings.from(CoreConfigs.with(Map.of("dns.servers", "127.0.0.1:5353, 10.0.0.53, [::1]:53",
                "dns.hosts", "")), errors);
        assertEquals(List.of(), errors);
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 5353), new InetSocketAddress("10.0.0.53", 53),
                new InetSocketAddress("::1", 53)), s.servers());
        assertEquals("", s.hostsFile());
    }

    @Test
    void badValuesAreNamedOneLineEach() {
        List<String> errors = errors(Map.of("dns.servers", "ns1.example.com:53,127.0.0.1:99999",
                "dns.ttl.min.ms", "5000", "dns.ttl.max.ms", "1000", "dns.jitter.percent", "80", "dns.hold.ms", "-1",
                "dns.timeout.ms", "0"));
        assertEquals(6, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("dns.servers: 'ns1.example.com:53' is not an IP address"), errors.get(0));
        assertTrue(errors.get(1).contains("port 99999 out of range"), errors.get(1));
        assertTrue(errors.contains("dns.ttl.max.ms = 1000: must be at least dns.ttl.min.ms (5000)"), errors.toString());
        assertTrue(errors.contains("dns.jitter.percent = 80: must be 0 to 50"), errors.toString());
        assertTrue(errors.contains("dns.hold.ms = -1: must not be negative (0: no hold)"), errors.toString());
        assertTrue(errors.contains("dns.timeout.ms = 0: must be positive"), errors.toString());
    }
}
