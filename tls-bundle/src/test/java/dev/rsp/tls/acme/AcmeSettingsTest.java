package dev.rsp.tls.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.config.Reading;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AcmeSettingsTest {

    private static final String CA = "https://acme.example.net/directory";

    @Test
    void defaultsNeedOnlyTheDirectory() {
        AcmeSettings s = valid(Map.of("directory.url", CA));
        assertEquals(URI.create(CA), s.directoryUrl());
        assertEquals(List.of(), s.names());
        assertTrue(s.storage().isAbsolute() && s.storage().endsWith(Path.of("etc/certs/acme")), s.storage().toString());
        assertEquals(AcmeSettings.KeyType.EC_P256, s.keyType());
        assertEquals(1.0 / 3, s.renewFraction(), 1e-9);
        assertEquals(List.of(AcmeSettings.ChallengeType.HTTP_01, AcmeSettings.ChallengeType.TLS_ALPN_01), s.challenges());
        assertEquals(false, s.onDemand());
        assertEquals(Duration.ofMinutes(5), s.orderTimeout());
        assertEquals(Duration.ofMinutes(1), s.backoffMin());
        assertEquals(Duration.ofDays(1), s.backoffMax());
        assertEquals(Optional.empty(), s.truststore());
    }

    @Test
    void namesAreCanonicalizedAndCheckedOneByOne() {
        AcmeSettings s = valid(Map.of("directory.url", CA, "names", "WWW.Example.COM, api.example.com.", "key.type",
                "rsa-2048", "renew.fraction", "0.25", "challenges", "tls-alpn-01"));
        assertEquals(List.of("www.example.com", "api.example.com"), s.names());
        assertEquals(AcmeSettings.KeyType.RSA_2048, s.keyType());
        assertEquals(0.25, s.renewFraction(), 1e-9);
        assertEquals(List.of(AcmeSettings.ChallengeType.TLS_ALPN_01), s.challenges());
    }

    @Test
    void everyBadValueIsReportedByName() {
        Map<String, Object> p = new HashMap<>(Map.of("names", "*.example.com, ok.example.com, 10.0.0.1, a_b.example.com",
                "key.type", "dsa", "renew.fraction", "3/2", "challenges", "dns-01", "email", "not-an-address",
                "order.timeout.ms", "600000", "lock.stale.ms", "300000", "backoff.min.ms", "7200000", "backoff.max.ms",
                "3600000"));
        List<String> errors = ((AcmeSettings.Invalid) AcmeSettings.parse(p)).errors();
        String all = String.join("\n", errors);
        for (String expected : new String[] {"directory.url: required", "'*.example.com'", "wildcards need DNS-01",
                "'10.0.0.1'", "'a_b.example.com'", "key.type = 'dsa'", "renew.fraction = '3/2'", "challenges: 'dns-01'",
                "email = 'not-an-address'", "lock.stale.ms = 300000: must be longer than order.timeout.ms",
                "backoff.max.ms = 3600000"}) {
            assertTrue(all.contains(expected), "missing '" + expected + "' in\n" + all);
        }
        assertTrue(errors.stream().noneMatch(e -> e.contains("ok.example.com")), all);
    }

    @Test
    void theDirectoryMustBeAnHttpUrl() {
        List<String> errors = ((AcmeSettings.Invalid) AcmeSettings.parse(Map.of("directory.url", "ftp://ca/dir"))).errors();
        assertEquals(List.of("directory.url = 'ftp://ca/dir': expected an https URL"), errors);
    }

    @Test
    void theSchemaReadsDurationsWithUnitsAndNamesUnknownKeys() {
        Map<String, Object> p = Map.of("directory.url", CA, "order.timeout.ms", "2m", "lock.stale.ms", "1h",
                "order.timeout", "5");
        Reading reading = AcmeComponent.SCHEMA.read(p);
        assertTrue(reading.valid(), reading.errors().toString());
        assertTrue(reading.warnings().stream().anyMatch(w -> w.contains("order.timeout")), reading.warnings().toString());
        Map<String, Object> typed = new HashMap<>(p);
        typed.putAll(reading.values());
        AcmeSettings s = valid(typed);
        assertEquals(Duration.ofMinutes(2), s.orderTimeout());
        assertEquals(Duration.ofHours(1), s.lockStale());
    }

    @Test
    void theCheckReportsWhatTheComponentWouldRefuse() {
        List<String> errors = new java.util.ArrayList<>();
        List<String> warnings = new java.util.ArrayList<>();
        new AcmeCheck().check("rsp.acme", Map.of("directory.url", CA, "truststore", "/nonexistent/ca.pem"), Path.of("."),
                errors, warnings);
        assertEquals(List.of("rsp.acme: truststore /nonexistent/ca.pem cannot be read"), errors);
        assertTrue(warnings.stream().anyMatch(w -> w.contains("no certificate will be obtained")), warnings.toString());
    }

    @Test
    void theCheckRefusesOnDemandWithoutAnAllowListOrAskUrlAsTheComponentDoes() {
        List<String> errors = new java.util.ArrayList<>();
        new AcmeCheck().check("rsp.acme", Map.of("directory.url", CA, "ondemand", "true"), Path.of("."), errors,
                new java.util.ArrayList<>());
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("rsp.acme: ") && errors.get(0).contains("ondemand"), errors.toString());
    }

    private static AcmeSettings valid(Map<String, ?> p) {
        AcmeSettings.Parsed parsed = AcmeSettings.parse(p);
        if (parsed instanceof AcmeSettings.Invalid invalid) {
            throw new AssertionError(invalid.errors());
        }
        return ((AcmeSettings.Valid) parsed).settings();
    }
}
