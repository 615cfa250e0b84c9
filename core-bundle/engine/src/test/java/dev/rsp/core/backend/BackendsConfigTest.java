package dev.rsp.core.backend;

import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendsConfigTest {

    private static Backends valid(Map<String, ?> properties) {
        ParsedBackends parsed = BackendsConfig.parse(properties, 7);
        return assertInstanceOf(ParsedBackends.Valid.class, parsed, () -> parsed.toString()).backends();
    }

    private static List<String> errors(Map<String, ?> properties) {
        ParsedBackends parsed = BackendsConfig.parse(properties, 7);
        return assertInstanceOf(ParsedBackends.Invalid.class, parsed, () -> parsed.toString()).errors();
    }

    @ParameterizedTest(name = "{0} -> {1}:{2};weight={3}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "web1:8080                        | web1              | 8080  | 1",
            "\"  web1 : 8080  \"              | web1              | 8080  | 1",
            "web1:8080;weight=5               | web1              | 8080  | 5",
            "\"web1:8080 ; weight = 5 \"      | web1              | 8080  | 5",
            "web1:8080;weight=1000            | web1              | 8080  | 1000",
            "web1:8080;weight=1               | web1              | 8080  | 1",
            "localhost:65535                  | localhost         | 65535 | 1",
            "localhost:1                      | localhost         | 1     | 1",
            "my_host.internal-1.example:80    | my_host.internal-1.example | 80 | 1",
            "10.0.0.1:80                      | 10.0.0.1          | 80    | 1",
            "0.0.0.0:80                       | 0.0.0.0           | 80    | 1",
            "255.255.255.255:80               | 255.255.255.255   | 80    | 1",
            "[::1]:8080                       | ::1               | 8080  | 1",
            "\"[ ::1 ] : 8080\"               | ::1               | 8080  | 1",
            "[2001:db8::1]:443;weight=3       | 2001:db8::1       | 443   | 3",
            "[1:2:3:4:5:6:7:8]:80             | 1:2:3:4:5:6:7:8   | 80    | 1",
            "[::]:80                          | ::                | 80    | 1",
            "[fe80::]:80                      | fe80::            | 80    | 1",
            "[::ffff:192.0.2.1]:80            | ::ffff:192.0.2.1  | 80    | 1",
            "[1:2:3:4:5:6:1.2.3.4]:80         | 1:2:3:4:5:6:1.2.3.4 | 80  | 1",
            "[2001:DB8::A]:80                 | 2001:DB8::A       | 80    | 1",
    })
    void validEntries(String value, String host, int port, int weight) {
        Backends backends = valid(Map.of("backend.web-1", value));
        assertEquals(List.of(new Backend("web-1", host, port, weight)), backends.all());
        assertEquals(7, backends.generation());
    }

    @Test
    void maxconnLimitsTheBackendAndDefaultsToTheCoreSetting() {
        Backends backends = valid(Map.of("backend.a", "a:80;maxconn=25", "backend.b", "b:80 ; weight=2 ; maxconn = 1000000 ",
                "backend.c", "c:80"));
        assertEquals(List.of(new Backend("a", "a", 80, 1, Backend.Protocol.HTTP1, Backend.Tls.NONE, 25),
                new Backend("b", "b", 80, 2, Backend.Protocol.HTTP1, Backend.Tls.NONE, 1_000_000),
                new Backend("c", "c", 80, 1)), backends.all());
        assertEquals(0, backends.all().get(2).maxConnections(), "0: backend.maxconn of rsp.core applies");
    }

    @Test
    void sendProxyNamesTheHeaderVersionAndCombinesWithTls() {
        Backends backends = valid(Map.of("backend.a", "a:80;send-proxy=v1", "backend.b", "b:443 ; tls ; send-proxy = v2",
                "backend.c", "c:80"));
        assertEquals(List.of(Backend.SendProxy.V1, Backend.SendProxy.V2, Backend.SendProxy.NONE),
                backends.all().stream().map(Backend::sendProxy).toList());
        assertEquals(Backend.Tls.VERIFIED, backends.all().get(1).tls());
    }

    @Test
    void timeoutsAndTriesOverrideTheCoresPerBackendBesideTheSpiRecord() {
        ParsedBackends.Valid v = (ParsedBackends.Valid) BackendsConfig.parse(Map.of(
                "backend.api", "a:80;timeout.connect=2s;timeout.backend = 120s; tries=1",
                "backend.batch", "b:80 ; timeout.backend=10m",
                "backend.web", "w:80;weight=2"), 0);
        assertEquals(new Backend("api", "a", 80, 1), byName(v, "api"), "strategies see no difference");
        assertEquals(Map.of(
                "api", new BackendTuning(TimeUnit.SECONDS.toNanos(2), TimeUnit.SECONDS.toNanos(120), 1),
                "batch", new BackendTuning(0, TimeUnit.MINUTES.toNanos(10), 0)), v.tuning(),
                "only backends that override something are listed");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "web1:99999                 | port 99999 out of range (1-65535)",
            "web1:0                     | port 0 out of range (1-65535)",
            "web1:65536                 | port 65536 out of range (1-65535)",
            "web1:123456789012345678901 | port 123456789012345678901 out of range (1-65535)",
            "web1:-1                    | port -1 out of range (1-65535)",
            "web1:abc                   | port 'abc' is not a number",
            "web1:8o                    | port '8o' is not a number",
            "web1                       | missing port; write host:port",
            "web1:                      | missing port after ':'",
            ":80                        | missing host before ':'",
            "\"\"                       | missing host:port",
            "\"   \"                    | missing host:port",
            ";weight=2                  | missing host:port",
            "http://web1:8080           | drop the scheme 'http://'; write host:port only",
            "https://web1               | drop the scheme 'https://'; write host:port only",
            "web1:8080/api              | no path allowed ('/api'); write host:port only",
            "web1/:8080                 | no path allowed ('/:8080'); write host:port only",
            "::1:8080                   | an IPv6 address must be in brackets, e.g. [::1]:8080",
            "::1                        | an IPv6 address must be in brackets, e.g. [::1]:8080",
            "[::1]                      | missing port; write [address]:port",
            "[::1]8080                  | expected ':port' after ']'",
            "[::1:8080                  | missing ']' after the IPv6 address",
            "[zz::1]:80                 | invalid IPv6 address 'zz::1'",
            "[1::2::3]:80               | invalid IPv6 address '1::2::3'",
            "[1:2:3:4:5:6:7:8:9]:80     | invalid IPv6 address '1:2:3:4:5:6:7:8:9'",
            "[1:2:3:4:5:6:7]:80         | invalid IPv6 address '1:2:3:4:5:6:7'",
            "[12345::1]:80              | invalid IPv6 address '12345::1'",
            "[::1%eth0]:80              | invalid IPv6 address '::1%eth0'",
            "[]:80                      | invalid IPv6 address ''",
            "[web1]:80                  | invalid IPv6 address 'web1'",
            "256.1.1.1:80               | invalid IPv4 address '256.1.1.1' (four parts 0-255, no leading zeros)",
            "1.2.3:80                   | invalid IPv4 address '1.2.3'",
            "1.2.3.4.5:80               | invalid IPv4 address '1.2.3.4.5'",
            "010.0.0.1:80               | invalid IPv4 address '010.0.0.1'",
            "\"web 1:80\"               | host 'web 1' contains ' '; a host is a DNS name, an IPv4 address or [IPv6]",
            "user@web1:80               | host 'user@web1' contains '@'",
            "a..b:80                    | host 'a..b' has an empty label",
            ".web1:80                   | host '.web1' has an empty label",
            "web1.:80                   | host 'web1.' has an empty label (no trailing dot)",
            "web1:80;weight=0           | weight 0 out of range (1-1000)",
            "web1:80;weight=1001        | weight 1001 out of range (1-1000)",
            "web1:80;weight=99999999999 | weight 99999999999 out of range (1-1000)",
            "web1:80;weight=-3          | weight -3 out of range (1-1000)",
            "web1:80;weight=x           | weight 'x' is not an integer",
            "web1:80;weight=            | weight '' is not an integer",
            "web1:80;weight=1.5         | weight '1.5' is not an integer",
            "web1:80;weight             | option 'weight' needs a value, e.g. weight=5",
            "web1:80;weight=2;weight=3  | option 'weight' given more than once",
            "web1:80;maxconn=0          | maxconn 0 out of range (1-1000000)",
            "web1:80;maxconn=1000001    | maxconn 1000001 out of range (1-1000000)",
            "web1:80;maxconn=99999999999 | maxconn 99999999999 out of range (1-1000000)",
            "web1:80;maxconn=-1         | maxconn -1 out of range (1-1000000)",
            "web1:80;maxconn=many       | maxconn 'many' is not an integer",
            "web1:80;maxconn            | option 'maxconn' needs a value, e.g. maxconn=100",
            "web1:80;maxconn=2;maxconn=3 | option 'maxconn' given more than once",
            "web1:80;max=5              | unknown option 'max=5'; options are weight=N, proto=h2, tls[=insecure], maxconn=N, send-proxy=v1 or v2, timeout.connect=<duration>, timeout.backend=<duration> and tries=N",
            "web1:80;Weight=5           | unknown option 'Weight=5'",
            "web1:80;                   | empty option after ';'; options are weight=N, proto=h2, tls[=insecure], maxconn=N, send-proxy=v1 or v2, timeout.connect=<duration>, timeout.backend=<duration> and tries=N",
            "web1:80;proto=h3           | proto 'h3' is not one of h2, http1",
            "web1:80;proto=H2           | proto 'H2' is not one of h2, http1",
            "web1:80;proto              | option 'proto' needs a value, e.g. proto=h2",
            "web1:80;proto=h2;proto=h2  | option 'proto' given more than once",
            "web1:80;tls=bogus          | tls 'bogus' is not insecure; write ;tls (the certificate verified) or ;tls=insecure",
            "web1:80;tls=               | tls '' is not insecure",
            "web1:80;tls=Insecure       | tls 'Insecure' is not insecure",
            "web1:80;tls;tls            | option 'tls' given more than once",
            "web1:80;tls;tls=insecure   | option 'tls' given more than once",
            "web1:80;TLS                | unknown option 'TLS'",
            "web1:80;send-proxy         | option 'send-proxy' needs a value, e.g. send-proxy=v2",
            "web1:80;send-proxy=v3      | send-proxy 'v3' is not one of v1, v2",
            "web1:80;send-proxy=V2      | send-proxy 'V2' is not one of v1, v2",
            "web1:80;proto=h2;send-proxy=v2 | send-proxy cannot be combined with proto=h2",
            "web1:80;timeout.connect=soon | timeout.connect 'soon' is not a duration",
            "web1:80;timeout.connect=0  | timeout.connect 0 out of range (1ms-1h)",
            "web1:80;timeout.backend=2h | timeout.backend 2h out of range (1ms-1h)",
            "web1:80;timeout.backend    | option 'timeout.backend' needs a value, e.g. timeout.backend=120s",
            "web1:80;tries=0            | tries 0 out of range (1-8)",
            "web1:80;tries=9            | tries 9 out of range (1-8)",
            "web1:80;tries=one          | tries 'one' is not an integer",
            "web1:80;tries=1;tries=2    | option 'tries' given more than once",
    })
    void invalidValues(String value, String expected) {
        List<String> errors = errors(Map.of("backend.web-1", value));
        assertEquals(1, errors.size(), errors::toString);
        String prefix = "backend.web-1 = " + BackendsConfig.show(value) + ": ";
        assertTrue(errors.get(0).startsWith(prefix + expected), () -> errors.get(0) + "\n expected " + expected);
    }

    @Test
    void protoOptionSelectsHttp2AndDefaultsToHttp1() {
        ParsedBackends.Valid v = (ParsedBackends.Valid) BackendsConfig.parse(Map.of(
                "backend.grpc", "g1:50051; proto = h2 ;weight=3",
                "backend.web", "w1:80",
                "backend.old", "w2:80;proto=http1"), 0);
        assertEquals(new Backend("grpc", "g1", 50051, 3, Backend.Protocol.H2), byName(v, "grpc"));
        assertEquals(Backend.Protocol.HTTP1, byName(v, "web").protocol());
        assertEquals(Backend.Protocol.HTTP1, byName(v, "old").protocol());
    }

    @Test
    void tlsOptionVerifiesByDefaultAndInsecureChecksNothing() {
        ParsedBackends.Valid v = (ParsedBackends.Valid) BackendsConfig.parse(Map.of(
                "backend.web", "w1:443;tls",
                "backend.grpc", "g1:50051; proto=h2 ; tls ;weight=2",
                "backend.lab", "10.0.0.9:8443;tls = insecure",
                "backend.plain", "w2:80;weight=3"), 0);
        assertEquals(new Backend("web", "w1", 443, 1, Backend.Protocol.HTTP1, Backend.Tls.VERIFIED), byName(v, "web"));
        assertEquals(new Backend("grpc", "g1", 50051, 2, Backend.Protocol.H2, Backend.Tls.VERIFIED), byName(v, "grpc"));
        assertEquals(new Backend("lab", "10.0.0.9", 8443, 1, Backend.Protocol.HTTP1, Backend.Tls.INSECURE), byName(v, "lab"));
        assertEquals(Backend.Tls.NONE, byName(v, "plain").tls());
    }

    private static Backend byName(ParsedBackends.Valid v, String name) {
        return v.backends().all().stream().filter(b -> b.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void errorLineHasTheDocumentedForm() {
        assertEquals(List.of("backend.web-1 = 'web1:99999': port 99999 out of range (1-65535)"),
                errors(Map.of("backend.web-1", "web1:99999")));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "backend.                | missing backend name after 'backend.'",
            "backend.-web            | name '-web' must start with a letter or digit",
            "backend._web            | name '_web' must start with a letter or digit",
            "backend..web            | name '.web' must start with a letter or digit",
            "backend.web/1           | name 'web/1' contains '/'; allowed are letters, digits, '.', '_' and '-'",
            "\"backend.web 1\"       | name 'web 1' contains ' '",
            "backend.wéb             | name 'wéb' contains 'é'",
    })
    void invalidNames(String key, String expected) {
        List<String> errors = errors(Map.of(key, "web1:80"));
        assertEquals(1, errors.size(), errors::toString);
        assertTrue(errors.get(0).startsWith(key + " = 'web1:80': " + expected), errors::toString);
    }

    @Test
    void nameLengthLimits() {
        String longest = "a" + "b".repeat(62);
        assertEquals(longest, valid(Map.of("backend." + longest, "h:1")).all().get(0).name());
        List<String> errors = errors(Map.of("backend." + longest + "c", "h:1"));
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).endsWith(": name is 64 characters long, at most 63 allowed"), errors::toString);
        assertTrue(valid(Map.of("backend.0.web_1-A", "h:1")).named("0.web_1-A").isPresent());
    }

    @Test
    void hostLengthLimits() {
        String label63 = "a".repeat(63);
        assertEquals(label63, valid(Map.of("backend.x", label63 + ":80")).all().get(0).host());
        assertTrue(errors(Map.of("backend.x", label63 + "a.example:80")).get(0)
                .contains("has a label longer than 63 characters"));
        String host253 = (label63 + ".").repeat(3) + "a".repeat(61);
        assertEquals(253, host253.length());
        assertEquals(host253, valid(Map.of("backend.x", host253 + ":80")).all().get(0).host());
        assertTrue(errors(Map.of("backend.x", host253 + "a:80")).get(0)
                .endsWith(": host is 254 characters long, at most 253 allowed"));
    }

    @Test
    void collectsEveryErrorInKeyOrder() {
        Map<String, Object> props = new HashMap<>();
        props.put("backend.c", "http://c:80");
        props.put("backend.a", "a..b:99999");
        props.put("backend.ok", "ok:80");
        props.put("backend.b", "b:80;weight=0;color=red");
        props.put("backend.-d", "d:0");
        List<String> errors = errors(props);
        assertEquals(List.of(
                "backend.-d = 'd:0': name '-d' must start with a letter or digit",
                "backend.-d = 'd:0': port 0 out of range (1-65535)",
                "backend.a = 'a..b:99999': host 'a..b' has an empty label",
                "backend.a = 'a..b:99999': port 99999 out of range (1-65535)",
                "backend.b = 'b:80;weight=0;color=red': weight 0 out of range (1-1000)",
                "backend.b = 'b:80;weight=0;color=red': unknown option 'color=red'; options are weight=N, proto=h2, tls[=insecure], maxconn=N, send-proxy=v1 or v2, timeout.connect=<duration>, timeout.backend=<duration> and tries=N",
                "backend.c = 'http://c:80': drop the scheme 'http://'; write host:port only"), errors);
    }

    @Test
    void weights() {
        Map<String, Object> props = Map.of(
                "backend.a", "a:80",
                "backend.b", "b:80;weight=10",
                "backend.c", "c:80; weight=007");
        Backends backends = valid(props);
        assertEquals(List.of(new Backend("a", "a", 80, 1), new Backend("b", "b", 80, 10),
                new Backend("c", "c", 80, 7)), backends.all());
    }

    @Test
    void ignoresKeysOutsideThePrefix() {
        Map<String, Object> props = new HashMap<>();
        props.put("service.pid", "rsp.backends");
        props.put("felix.fileinstall.filename", "file:/opt/rsp/etc/rsp.backends.cfg");
        props.put("backend", "not-a-backend");
        props.put("backends.x", "nonsense");
        props.put("Backend.y", "nonsense");
        props.put("service.bundleLocation", new String[] {"a", "b"});
        props.put("backend.web", "web:80");
        assertEquals(List.of(new Backend("web", "web", 80, 1)), valid(props).all());
    }

    @Test
    void emptyAndMissingConfigurationsAreValidAndEmpty() {
        assertTrue(valid(Map.of()).all().isEmpty());
        assertTrue(valid(Map.of("service.pid", "rsp.backends")).all().isEmpty());
        ParsedBackends parsed = BackendsConfig.parse(null, 3);
        Backends backends = assertInstanceOf(ParsedBackends.Valid.class, parsed).backends();
        assertEquals(new Backends(3, List.of()), backends);
    }

    @Test
    void sameAddressUnderTwoNamesIsAllowed() {
        Backends backends = valid(Map.of("backend.a", "web:80", "backend.b", "web:80;weight=2"));
        assertEquals(List.of(new Backend("a", "web", 80, 1), new Backend("b", "web", 80, 2)), backends.all());
    }

    @Test
    void rejectsArraysAndCollections() {
        assertEquals(List.of("backend.web = ['a:80', 'b:80']: one value per key, got an array of 2; "
                        + "write backend.web = host:port[;weight=N][;proto=h2][;tls[=insecure]][;maxconn=N][;send-proxy=v1|v2][;timeout.connect=2s][;timeout.backend=120s][;tries=N]"),
                errors(Map.of("backend.web", new String[] {"a:80", "b:80"})));
        assertEquals(List.of("backend.web = ['a:80']: one value per key, got an array of 1; "
                        + "write backend.web = host:port[;weight=N][;proto=h2][;tls[=insecure]][;maxconn=N][;send-proxy=v1|v2][;timeout.connect=2s][;timeout.backend=120s][;tries=N]"),
                errors(Map.of("backend.web", new String[] {"a:80"})));
        assertEquals(List.of("backend.web = ['a:80', 'b:80']: one value per key, got a list of 2; "
                        + "write backend.web = host:port[;weight=N][;proto=h2][;tls[=insecure]][;maxconn=N][;send-proxy=v1|v2][;timeout.connect=2s][;timeout.backend=120s][;tries=N]"),
                errors(Map.of("backend.web", List.of("a:80", "b:80"))));
    }

    @Test
    void rejectsNonStringValues() {
        assertEquals(List.of("backend.web = 8080: expected a string host:port[;weight=N][;proto=h2][;tls[=insecure]][;maxconn=N][;send-proxy=v1|v2][;timeout.connect=2s][;timeout.backend=120s][;tries=N], got a Integer"),
                errors(Map.of("backend.web", 8080)));
        Map<String, Object> props = new HashMap<>();
        props.put("backend.web", null);
        assertEquals(List.of("backend.web = null: expected a string host:port[;weight=N][;proto=h2][;tls[=insecure]][;maxconn=N][;send-proxy=v1|v2][;timeout.connect=2s][;timeout.backend=120s][;tries=N], got no value"),
                errors(props));
    }

    @Test
    void errorLinesAreSafeToLog() {
        String error = errors(Map.of("backend.web", "web:80\nINFO forged line")).get(0);
        assertFalse(error.contains("\n"));
        assertTrue(error.startsWith("backend.web = 'web:80\\u000aINFO forged line': "), error);

        String huge = "x".repeat(10_000) + ":80";
        String longError = errors(Map.of("backend.web", "h:" + huge)).get(0);
        assertTrue(longError.length() < 600, () -> "length " + longError.length());
        assertTrue(longError.contains("... (10005 characters)"), longError);
    }

    @Test
    void invalidResultNeedsErrors() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ParsedBackends.Invalid(List.of()));
    }
}
