package dev.rsp.core.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EtcdSettingsTest {

    @Test
    void defaults() {
        EtcdSettings s = ((EtcdSettings.Valid) EtcdSettings.read(Map.of())).settings();
        assertEquals(List.of(URI.create("http://127.0.0.1:2379")), s.endpoints());
        assertEquals("/rsp/default/", s.prefix());
        assertEquals(false, s.config());
        assertEquals(1000, s.coalesceMs());
        assertEquals(1 << 20, s.maxValueBytes());
    }

    @Test
    void everyBadValueIsOneLineNamingTheKey() {
        EtcdSettings.Invalid units = assertInstanceOf(EtcdSettings.Invalid.class,
                EtcdSettings.read(Map.of("backoff.min.ms", "10x", "endpoints", "http://e1:2379")));
        assertEquals(1, units.errors().size());
        org.junit.jupiter.api.Assertions.assertTrue(units.errors().get(0)
                .startsWith("rsp.etcd: backoff.min.ms = '10x': expected a duration"), units.errors().toString());
        EtcdSettings.Invalid second = assertInstanceOf(EtcdSettings.Invalid.class, EtcdSettings.read(Map.of(
                "endpoints", "https://e1:2379, http://e2, ftp://x:1", "prefix", "/rsp/no-slash", "config", "yes",
                "limits.keys", "0", "backends.empty", "sometimes")));
        assertEquals(List.of(
                "rsp.etcd: endpoints = 'http://e2': expected http://host:port or https://host:port",
                "rsp.etcd: endpoints = 'ftp://x:1': expected http://host:port or https://host:port",
                "rsp.etcd: prefix = '/rsp/no-slash': expected printable ASCII without spaces, ending with / (e.g. /rsp/default/)",
                "rsp.etcd: config = 'yes': expected on or off",
                "rsp.etcd: backends.empty = 'sometimes': expected allow or refuse",
                "rsp.etcd: limits.keys = '0': out of range (1-1000000)"), second.errors());
    }
}
