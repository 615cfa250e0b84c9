package dev.rsp.core.metatype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.CoreConfig;
import dev.rsp.core.CoreConfigs;
import dev.rsp.core.CorePids;
import dev.rsp.core.admin.AdminConfig;
import dev.rsp.core.backend.BackendsKeys;
import dev.rsp.core.etcd.EtcdConfig;
import dev.rsp.core.etcd.EtcdSettings;
import dev.rsp.core.proxy.ProxySettings;
import dev.rsp.core.ratelimit.RateLimitConfig;
import dev.rsp.core.ratelimit.RateLimitSettings;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The metatype bnd generated for the core's PIDs (target/classes/OSGI-INF/metatype) says what the code does: every
 * PID is designated, each key's default is the default used at run time, and each min, max and option is a bound the
 * validator keeps: the bound itself is accepted, one beyond it refused.
 */
class MetatypeAgreementTest {

    static Map<String, PidKeys> pids = new TreeMap<>();

    @BeforeAll
    static void readGenerated() throws Exception {
        Path dir = Path.of(System.getProperty("basedir", ".")).resolve("target/classes/OSGI-INF/metatype");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                try (InputStream in = Files.newInputStream(f)) {
                    MetatypeXml.read(in, f.toString()).forEach(p -> pids.put(p.pid(), p));
                }
            }
        }
    }

    @Test
    void everyCorePidIsDesignated() {
        assertEquals(Set.of("rsp.core", "rsp.admin", "rsp.backends", "rsp.headers", "rsp.ratelimit", "rsp.etcd"), pids.keySet());
    }

    @Test
    void keysAndDefaultsAreThoseOfTheConfigurationTypes() {
        Map<String, Class<? extends Annotation>> types = Map.of("rsp.core", CoreConfig.class, "rsp.admin", AdminConfig.class,
                "rsp.backends", BackendsKeys.class, "rsp.ratelimit", RateLimitConfig.class, "rsp.etcd", EtcdConfig.class);
        types.forEach((pid, type) -> {
            Map<String, String> expected = new TreeMap<>();
            for (Method m : type.getDeclaredMethods()) {
                Object d = m.getDefaultValue();
                expected.put(m.getName().replace('_', '.'), d instanceof String[] a ? String.join(", ", a) : String.valueOf(d));
            }
            Map<String, String> described = new TreeMap<>();
            pids.get(pid).keys().forEach(k -> described.put(k.id(), k.defaultText()));
            assertEquals(expected, described, pid);
        });
        assertEquals(Set.copyOf(CorePids.CORE.keyNames()), keyIds("rsp.core"), "bin/rsp check knows the same keys");
        assertEquals(Set.copyOf(CorePids.ADMIN.keyNames()), keyIds("rsp.admin"));
        assertEquals(Set.copyOf(EtcdSettings.SCHEMA.keyNames()), keyIds("rsp.etcd"));
        assertEquals(Set.of(CorePids.BACKENDS_EMPTY), keyIds("rsp.backends"));
    }

    @Test
    void backendsEmptyOptionsAreWhatTheCheckAccepts() {
        ConfigKey empty = pids.get("rsp.backends").keys().get(0);
        empty.options().forEach(o -> assertEquals(null, CorePids.backendsEmptyProblem(o), o));
        assertTrue(CorePids.backendsEmptyProblem("sometimes") != null);
    }

    /** Keys another key bounds: set with them so that a bound of the first is valid on its own. */
    static final Map<String, Map<String, String>> COMPANIONS = Map.of(
            "buffer.size", Map.of("limits.head.bytes", "4096", "limits.request.line", "256"),
            "dns.ttl.max.ms", Map.of("dns.ttl.min.ms", "1"),
            "backoff.max.ms", Map.of("backoff.min.ms", "1"),
            "backoff.min.ms", Map.of("backoff.max.ms", "600000"),
            "proxy.protocol", Map.of("proxy.trusted", "10.0.0.0/8"),
            "proxy.max.v2.bytes", Map.of("buffer.size", "1048576"));

    @Test
    void coreBoundsAreTheValidatorsBounds() {
        checkBounds("rsp.core", props -> ProxySettings.from(CoreConfigs.with(props)) instanceof ProxySettings.Invalid i
                ? i.errors() : List.of());
    }

    @Test
    void etcdBoundsAreTheValidatorsBounds() {
        checkBounds("rsp.etcd", props -> EtcdSettings.read(props) instanceof EtcdSettings.Invalid i ? i.errors() : List.of());
    }

    @Test
    void rateLimitBoundsAreTheValidatorsBounds() {
        checkBounds("rsp.ratelimit", props -> RateLimitSettings.read(props) instanceof RateLimitSettings.Invalid i
                ? i.errors() : List.of());
    }

    private static void checkBounds(String pid, Function<Map<String, String>, List<String>> errors) {
        assertEquals(List.of(), errors.apply(Map.of()), pid + " defaults are valid");
        List<String> checked = new ArrayList<>();
        for (ConfigKey k : pids.get(pid).keys()) {
            Map<String, String> with = new HashMap<>(COMPANIONS.getOrDefault(k.id(), Map.of()));
            if (!k.min().isEmpty()) {
                with.put(k.id(), k.min());
                assertEquals(List.of(), errors.apply(with), k.id() + " = its min");
                with.put(k.id(), new BigInteger(k.min()).subtract(BigInteger.ONE).toString());
                assertTrue(!errors.apply(with).isEmpty(), k.id() + " below its min is refused");
                checked.add(k.id());
            }
            if (!k.max().isEmpty()) {
                with.put(k.id(), k.max());
                assertEquals(List.of(), errors.apply(with), k.id() + " = its max");
                with.put(k.id(), new BigInteger(k.max()).add(BigInteger.ONE).toString());
                assertTrue(!errors.apply(with).isEmpty(), k.id() + " above its max is refused");
            }
            for (String option : k.options()) {
                with.put(k.id(), option);
                assertEquals(List.of(), errors.apply(with), k.id() + " = " + option);
            }
            if (!k.options().isEmpty()) {
                with.put(k.id(), "17");
                assertTrue(!errors.apply(with).isEmpty(), k.id() + " outside its options is refused");
                checked.add(k.id());
            }
        }
        assertTrue(checked.size() >= 3, pid + ": bounds checked for " + checked);
    }

    private static Set<String> keyIds(String pid) {
        Set<String> ids = new LinkedHashSet<>();
        pids.get(pid).keys().forEach(k -> ids.add(k.id()));
        return ids;
    }
}
