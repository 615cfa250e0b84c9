package dev.rsp.core.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading rsp.ratelimit: defaults off, every problem one line naming the key, rules with their forms. */
class RateLimitSettingsTest {

    static List<String> errors(Map<String, ?> properties) {
        return assertInstanceOf(RateLimitSettings.Invalid.class, RateLimitSettings.read(properties)).errors();
    }

    static RateLimitSettings valid(Map<String, ?> properties) {
        return assertInstanceOf(RateLimitSettings.Valid.class, RateLimitSettings.read(properties)).settings();
    }

    @Test
    void noFileMeansNoLimits() {
        RateLimitSettings s = valid(Map.of());
        assertFalse(s.any());
        assertEquals(RateLimitSettings.NONE, s);
        assertEquals(100_000, s.clientTableEntries());
        assertEquals(10_000, s.hostTableEntries());
    }

    @Test
    void aBurstOfZeroIsOneSecondsWorth() {
        RateLimitSettings s = valid(Map.of("client.requests.per.second", "50", "host.requests.per.second", "7"));
        assertEquals(50, s.defaults().clientRequests().burst());
        assertEquals(7, s.defaults().hostRequests().burst());
        assertTrue(s.limitsClients() && s.limitsHosts() && !s.limitsConnections());
    }

    @Test
    void badValuesAreNamedOnePerLine() {
        List<String> e = errors(Map.of("client.requests.per.second", "-1", "client.concurrent", "lots"));
        assertEquals(2, e.size(), e.toString());
        assertTrue(e.stream().anyMatch(l -> l.startsWith("rsp.ratelimit: client.requests.per.second = '-1'")), e.toString());
        assertTrue(e.stream().anyMatch(l -> l.startsWith("rsp.ratelimit: client.concurrent = 'lots'")), e.toString());
        assertTrue(errors(Map.of("client.table.entries", "0")).get(0).contains("client.table.entries"));
        assertTrue(errors(Map.of("host.requests.per.second", "2000000")).get(0).contains("at most 1000000"));
    }

    @Test
    void anUnknownKeyIsAWarningWithTheNearestKnownOne() {
        RateLimitSettings.Valid v = assertInstanceOf(RateLimitSettings.Valid.class,
                RateLimitSettings.read(Map.of("client.request.per.second", "5")));
        assertTrue(v.warnings().get(0).contains("did you mean 'client.requests.per.second'"), v.warnings().toString());
    }

    @Test
    void rulesTakeRatesPerSecondMinuteOrHourAndInheritWhatTheyLeaveOut() {
        RateLimitSettings s = valid(Map.of("client.concurrent", "4", "client.requests.per.second", "10",
                "rule.a", "hosts=A.Example.COM.; requests=120/m",
                "rule.b", "hosts=*.b.example; client.requests=3600/h; client.burst=7"));
        HostPolicy a = s.policyFor("a.example.com");
        assertEquals("a", a.rule());
        assertEquals(500_000_000L, a.hostRequests().intervalNanos());
        assertEquals(0, a.clientScope(), "no client fields: the top-level client buckets");
        HostPolicy b = s.policyFor("x.b.example");
        assertEquals(1, b.clientScope());
        assertEquals(7, b.clientRequests().burst());
        assertEquals(4, b.clientConcurrent(), "client.concurrent not given: the top-level value");
        assertEquals(2, s.clientScopes());
    }

    @Test
    void badRulesSayWhatIsWrong() {
        assertTrue(errors(Map.of("rule.x", "requests=1/s")).get(0).contains("no hosts="));
        assertTrue(errors(Map.of("rule.x", "hosts=a.example; requests=fast")).get(0).contains("expected a rate N/s"));
        assertTrue(errors(Map.of("rule.x", "hosts=a.example; requests=5/d")).get(0).contains("expected a rate"));
        assertTrue(errors(Map.of("rule.x", "hosts=a.example; speed=5")).get(0).contains("unknown field 'speed'"));
        assertTrue(errors(Map.of("rule.x", "hosts=a.example; burst=1; burst=2")).get(0).contains("given twice"));
        assertTrue(errors(Map.of("rule.x", "hosts=a.*.example")).get(0).contains("host pattern 'a.*.example'"));
        assertTrue(errors(Map.of("rule.x", "hosts=a.example:8080")).get(0).contains("is not a host name"));
        assertTrue(errors(Map.of("rule.bad name", "hosts=a.example")).get(0).contains("a rule name is"));
        List<String> twice = errors(Map.of("rule.x", "hosts=a.example", "rule.y", "hosts=A.example"));
        assertTrue(twice.get(0).contains("'a.example' is in rule.x and rule.y"), twice.toString());
    }
}
