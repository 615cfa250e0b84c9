package dev.rsp.tls.acme.ondemand;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.config.Schema;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OnDemandSettingsTest {

    static OnDemandSettings valid(Map<String, ?> p) {
        return assertInstanceOf(OnDemandSettings.Valid.class, OnDemandSettings.parse(p)).settings();
    }

    static List<String> errors(Map<String, ?> p) {
        return assertInstanceOf(OnDemandSettings.Invalid.class, OnDemandSettings.parse(p)).errors();
    }

    @Test
    void offByDefaultWithTheDocumentedDefaults() {
        OnDemandSettings s = valid(Map.of("directory.url", "https://acme.example/dir"));
        assertFalse(s.enabled());
        assertEquals(Optional.empty(), s.allowFile());
        assertEquals(Optional.empty(), s.askUrl());
        assertEquals(Duration.ofSeconds(5), s.askTimeout());
        assertEquals(Duration.ofHours(1), s.askCacheAllowed());
        assertEquals(Duration.ofMinutes(5), s.askCacheRefused());
        assertEquals(10, s.maxInFlight());
        assertEquals(60, s.ordersPerHour());
        assertEquals(Duration.ofMinutes(1), s.backoffInitial());
        assertEquals(Duration.ofHours(24), s.backoffMax());
        assertEquals(Duration.ofSeconds(10), s.handshakeWait());
        assertEquals(s, OnDemandSettings.disabled());
    }

    @Test
    void onDemandWithoutAllowFileOrAskUrlIsRefused() {
        List<String> e = errors(Map.of("ondemand", "true"));
        assertEquals(1, e.size());
        assertTrue(e.get(0).startsWith("ondemand = true: set ondemand.allow.file or ondemand.ask.url"), e.get(0));
        assertTrue(errors(Map.of("ondemand", "true", "ondemand.ask.url", " ")).get(0).startsWith("ondemand = true"));
    }

    @Test
    void valuesWithUnitsAndTypedValuesAreRead() {
        OnDemandSettings s = valid(Map.of("ondemand", true, "ondemand.allow.file", "/etc/rsp/allow.txt",
                "ondemand.ask.url", "http://127.0.0.1:9200/ask?token=abc", "ondemand.ask.timeout.ms", "2s",
                "ondemand.ask.cache.allowed.ms", 600_000L, "ondemand.orders.per.hour", "30",
                "ondemand.backoff.max.ms", "6h", "ondemand.wait.ms", "0"));
        assertTrue(s.enabled());
        assertEquals(Optional.of(Path.of("/etc/rsp/allow.txt")), s.allowFile());
        assertEquals(Optional.of(URI.create("http://127.0.0.1:9200/ask?token=abc")), s.askUrl());
        assertEquals(Duration.ofSeconds(2), s.askTimeout());
        assertEquals(Duration.ofMinutes(10), s.askCacheAllowed());
        assertEquals(30, s.ordersPerHour());
        assertEquals(Duration.ofHours(6), s.backoffMax());
        assertEquals(Duration.ZERO, s.handshakeWait());
    }

    @Test
    void eachBadValueIsReportedByName() {
        List<String> e = errors(Map.of("ondemand", "yes", "ondemand.ask.url", "ftp://example.com/ask",
                "ondemand.max.in.flight", "0", "ondemand.ask.timeout.ms", "5 parsecs",
                "ondemand.backoff.initial.ms", "2h", "ondemand.backoff.max.ms", "1h"));
        assertEquals(List.of("ondemand = 'yes': expected true or false",
                "ondemand.ask.url = 'ftp://example.com/ask': expected an http or https URL, e.g. http://127.0.0.1:9200/ask",
                "ondemand.ask.timeout.ms = '5 parsecs': expected " + dev.rsp.config.Units.DURATION_FORM
                        + ", from 100 to 60000 ms",
                "ondemand.max.in.flight = '0': expected a whole number, from 1 to 1000",
                "ondemand.backoff.max.ms = 3600000: less than ondemand.backoff.initial.ms (7200000)"), e);
    }

    @Test
    void askUrlsWithoutHostOrWithCredentialsAreRefused() {
        assertTrue(errors(Map.of("ondemand.ask.url", "http:///ask")).get(0).endsWith("no host"));
        assertTrue(errors(Map.of("ondemand.ask.url", "https://u:p@auth.example/ask")).get(0).contains("user info"));
        assertTrue(errors(Map.of("ondemand.ask.url", "http://a b/")).get(0).contains("not a URL"));
    }

    @Test
    void warningsForAMistypedKeyAndARateAboveLetsEncrypts() {
        OnDemandSettings.Valid v = assertInstanceOf(OnDemandSettings.Valid.class, OnDemandSettings.parse(Map.of(
                "ondemand", "true", "ondemand.allow.file", "allow.txt", "ondemand.ask.ulr", "http://x.example/",
                "ondemand.orders.per.hour", "500")));
        assertEquals(List.of("unknown key 'ondemand.ask.ulr' (did you mean 'ondemand.ask.url'?); it is ignored",
                "ondemand.orders.per.hour = 500: more than Let's Encrypt allows on average (300 new orders per 3 hours "
                        + "per account)"), v.warnings());
    }

    @Test
    void keysWithoutOndemandTrueGetAWarning() {
        OnDemandSettings.Valid v = assertInstanceOf(OnDemandSettings.Valid.class, OnDemandSettings.parse(Map.of(
                "ondemand.allow.file", "/etc/rsp/allow.txt")));
        assertFalse(v.settings().enabled());
        assertEquals(List.of("ondemand.* keys are set but ondemand is not: on-demand issuance stays off until "
                + "ondemand = true"), v.warnings());
        assertEquals(List.of(), assertInstanceOf(OnDemandSettings.Valid.class, OnDemandSettings.parse(Map.of(
                "ondemand", "false", "ondemand.allow.file", "/etc/rsp/allow.txt"))).warnings(), "off on purpose");
    }

    @Test
    void theAskUrlsQueryIsNotPrinted() {
        OnDemandSettings s = valid(Map.of("ondemand", "true", "ondemand.ask.url", "https://auth.example/ask?token=s3cret"));
        assertFalse(s.toString().contains("s3cret"), s.toString());
        assertTrue(s.toString().contains("ask.url=https://auth.example/ask?(query hidden)"), s.toString());
    }

    @Test
    void theKeysExtendASchema() {
        Schema s = OnDemandSettings.withKeys(Schema.of("rsp.acme"));
        assertEquals(Schema.Kind.DURATION, s.kinds().get("ondemand.wait.ms"));
        assertTrue(s.read(Map.of("ondemand.wait.ms", "10s")).valid());
        assertEquals(10_000L, s.read(Map.of("ondemand.wait.ms", "10s")).values().get("ondemand.wait.ms"));
        assertEquals(OnDemandSettings.KEYS.keySet(), new java.util.LinkedHashSet<>(s.keyNames()));
    }
}
