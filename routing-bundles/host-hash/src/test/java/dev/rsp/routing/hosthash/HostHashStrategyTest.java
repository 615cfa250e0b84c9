package dev.rsp.routing.hosthash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.RoutingStrategy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostHashStrategyTest {

    @Test
    void theGeneratedComponentIsAnImmediateHostHashServiceWithOptionalConfiguration() throws IOException {
        String xml;
        try (InputStream in = HostHashStrategy.class.getResourceAsStream(
                "/OSGI-INF/dev.rsp.routing.hosthash.HostHashStrategy.xml")) {
            assertNotNull(in, "bnd generated the component description");
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String expected : List.of("configuration-policy=\"optional\"", "immediate=\"true\"",
                "configuration-pid=\"rsp.routing.hosthash\"", "modified=\"modified\"",
                "<property name=\"" + RoutingStrategy.NAME_PROPERTY + "\" type=\"String\" value=\"host-hash\"/>",
                "<provide interface=\"" + RoutingStrategy.class.getName() + "\"/>")) {
            assertTrue(xml.contains(expected), expected + " in\n" + xml);
        }
    }

    @Test
    void defaultsToThreeCandidates() {
        HostHashStrategy strategy = new HostHashStrategy(config(HostHashStrategy.DEFAULT_CANDIDATES));
        Decision d = strategy.build(RandomHosts.equalWeights(10)).select(new Head("fred.example.com"));
        assertEquals(3, ((Decision.Route) d).backends().size());
    }

    @Test
    void aConfigurationChangeAppliesToTheNextBuild() {
        HostHashStrategy strategy = new HostHashStrategy(config(3));
        strategy.modified(config(5));
        Decision d = strategy.build(RandomHosts.equalWeights(10)).select(new Head("fred.example.com"));
        assertEquals(5, ((Decision.Route) d).backends().size());
    }

    @Test
    void anInvalidValueKeepsThePreviousGoodOne() {
        HostHashStrategy strategy = new HostHashStrategy(config(4));
        strategy.modified(config(0));
        assertEquals(4, strategy.candidates());
        strategy.modified(config(Decision.MAX_CANDIDATES + 1));
        assertEquals(4, strategy.candidates());
        assertEquals(HostHashStrategy.DEFAULT_CANDIDATES, new HostHashStrategy(config(-1)).candidates());
    }

    @Test
    void aValueThatIsNotANumberIsReportedAndKeepsThePreviousGoodOne() {
        HostHashStrategy strategy = new HostHashStrategy(config(4));
        strategy.modified(Map.of("candidates", "three"));
        assertEquals(4, strategy.candidates());
        assertEquals(List.of("rsp.routing.hosthash: candidates = 'three': expected a whole number"),
                HostHashStrategy.check(HostHashStrategy.SCHEMA.read(Map.of("candidates", "three"))));
        assertEquals(List.of("rsp.routing.hosthash: candidates = '9': expected a whole number from 1 to 8"),
                HostHashStrategy.check(HostHashStrategy.SCHEMA.read(Map.of("candidates", "9"))));
    }

    @Test
    void cacheSizeDefaultsAndIsValidated() {
        HostHashStrategy strategy = new HostHashStrategy(config(3));
        assertEquals(HostHashStrategy.DEFAULT_CACHE_SIZE, strategy.cacheSize());
        strategy.modified(Map.of("candidates", "3", "cache.size", "0"));
        assertEquals(0, strategy.cacheSize());
        strategy.modified(Map.of("candidates", "3", "cache.size", "-1"));
        assertEquals(0, strategy.cacheSize(), "a negative size keeps the previous good one");
        assertEquals(List.of("rsp.routing.hosthash: cache.size = '4194305': expected a whole number from 0 to 4194304"),
                HostHashStrategy.check(HostHashStrategy.SCHEMA.read(Map.of("cache.size", "4194305"))));
    }

    private static Map<String, Object> config(int candidates) {
        return Map.of("candidates", String.valueOf(candidates), "service.pid", HostHashStrategy.PID);
    }
}
