package dev.rsp.config;

import dev.rsp.config.Addresses.Address;
import dev.rsp.config.Addresses.Ports;
import dev.rsp.config.Addresses.Refused;
import dev.rsp.host.CanonicalHost;
import dev.rsp.host.HostNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The inputs of every caller, one table: the listeners ({@code http.listen}, the TLS and admin {@code listen}, the
 * demo backends; port 0 allowed) and the backends ({@code rsp.backends}, the admin API, {@code rsp:whatif}; port 0
 * refused). The same text means the same thing, or is refused with the same reason, everywhere.
 */
class AddressesTest {

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            // the defaults shipped in etc/
            "0.0.0.0:8080                     | 0.0.0.0             | 8080",
            "0.0.0.0:8443                     | 0.0.0.0             | 8443",
            "127.0.0.1:9090                   | 127.0.0.1           | 9090",
            "127.0.0.1:9101                   | 127.0.0.1           | 9101",
            // names
            "localhost:65535                  | localhost           | 65535",
            "localhost:1                      | localhost           | 1",
            "rsp-1.example.com:8080           | rsp-1.example.com   | 8080",
            "my_host.internal-1.example:80    | my_host.internal-1.example | 80",
            "Web1.Example.COM:80              | Web1.Example.COM    | 80",
            "xn--bcher-kva.example:80         | xn--bcher-kva.example | 80",
            "\"  web1 : 8080  \"              | web1                | 8080",
            "web1:00080                       | web1                | 80",
            // IPv4
            "10.0.0.1:80                      | 10.0.0.1            | 80",
            "255.255.255.255:80               | 255.255.255.255     | 80",
            // IPv6, in brackets
            "[::1]:8080                       | ::1                 | 8080",
            "[::]:8443                        | ::                  | 8443",
            "\"[ ::1 ] : 8080\"               | ::1                 | 8080",
            "[2001:db8::1]:443                | 2001:db8::1         | 443",
            "[1:2:3:4:5:6:7:8]:80             | 1:2:3:4:5:6:7:8     | 80",
            "[fe80::]:80                      | fe80::              | 80",
            "[::ffff:192.0.2.1]:80            | ::ffff:192.0.2.1    | 80",
            "[1:2:3:4:5:6:1.2.3.4]:80         | 1:2:3:4:5:6:1.2.3.4 | 80",
            "[2001:DB8::A]:80                 | 2001:DB8::A         | 80",
    })
    void accepted(String text, String host, int port) {
        for (Ports ports : Ports.values()) {
            Address a = assertInstanceOf(Address.class, Addresses.parse(text, ports), text);
            assertEquals(new Address(host, port), a);
            assertEquals(a, Addresses.parse(a.toString(), ports), "toString is a form parse accepts");
        }
        if (host.indexOf(':') < 0) {
            // the same name syntax as the host canonicalizer: what an address accepts, a Host header accepts too
            assertEquals(new CanonicalHost.Valid(host.toLowerCase(Locale.ROOT)), HostNames.canonical(host));
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            // unbracketed IPv6: refused everywhere, whatever it could mean
            "::1:8080                   | an IPv6 address must be in brackets, e.g. [::1]:8080",
            "::1                        | an IPv6 address must be in brackets, e.g. [::1]:8080",
            ":::8080                    | an IPv6 address must be in brackets, e.g. [::1]:8080",
            "2001:db8::1:443            | an IPv6 address must be in brackets, e.g. [::1]:8080",
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
            // ports
            "web1:99999                 | port 99999 out of range",
            "web1:65536                 | port 65536 out of range",
            "web1:123456789012345678901 | port 123456789012345678901 out of range",
            "web1:-1                    | port -1 out of range",
            "web1:abc                   | port 'abc' is not a number",
            "localhost:http             | port 'http' is not a number",
            "web1:8o                    | port '8o' is not a number",
            "web1                       | missing port; write host:port",
            "8080                       | missing port; write host:port",
            "web1:                      | missing port after ':'",
            ":80                        | missing host before ':'",
            "\"\"                       | missing host:port",
            "\"   \"                    | missing host:port",
            // not an address at all
            "http://web1:8080           | drop the scheme 'http://'; write host:port only",
            "web1:8080/api              | no path allowed ('/api'); write host:port only",
            "web1/:8080                 | no path allowed ('/:8080'); write host:port only",
            // host names and IPv4
            "256.1.1.1:80               | invalid IPv4 address '256.1.1.1' (four parts 0-255, no leading zeros)",
            "1.2.3:80                   | invalid IPv4 address '1.2.3'",
            "1.2.3.4.5:80               | invalid IPv4 address '1.2.3.4.5'",
            "010.0.0.1:80               | invalid IPv4 address '010.0.0.1'",
            "example.123:80             | invalid IPv4 address 'example.123'",
            "\"web 1:80\"               | host 'web 1' contains ' '; a host is a DNS name, an IPv4 address or [IPv6]",
            "\"host name:80\"           | host 'host name' contains ' '",
            "user@web1:80               | host 'user@web1' contains '@'",
            "a..b:80                    | host 'a..b' has an empty label",
            ".web1:80                   | host '.web1' has an empty label",
            "web1.:80                   | host 'web1.' has an empty label (no trailing dot)",
            "-web.example:80            | host '-web.example' has a label that starts or ends with '-'",
            "web-.example:80            | host 'web-.example' has a label that starts or ends with '-'",
            "bücher.example:80          | host 'bücher.example' is not ASCII; write an international name in its xn-- form ('xn--bcher-kva.example')",
    })
    void refused(String text, String reason) {
        for (Ports ports : Ports.values()) {
            Refused r = assertInstanceOf(Refused.class, Addresses.parse(text, ports), text);
            assertTrue(r.reason().startsWith(reason), () -> r.reason() + "\n expected " + reason);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "web1:0         | port 0 out of range (1-65535)",
            "web1:65536     | port 65536 out of range (1-65535)",
    })
    void aBackendNeedsAPortFromOne(String text, String reason) {
        assertEquals(new Refused(List.of(reason)), Addresses.parse(text, Ports.CONNECT));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1:0    | ",
            "127.0.0.1:65536| port 65536 out of range (0-65535)",
    })
    void aListenerMayAskForAnyFreePort(String text, String reason) {
        Addresses.Parsed p = Addresses.parse(text, Ports.LISTEN);
        assertEquals(reason == null ? new Address("127.0.0.1", 0) : new Refused(List.of(reason)), p);
    }

    @Test
    void aBadHostAndABadPortAreBothNamed() {
        assertEquals(new Refused(List.of("host 'a..b' has an empty label", "port 99999 out of range (1-65535)")),
                Addresses.parse("a..b:99999", Ports.CONNECT));
        assertEquals(new Refused(List.of("invalid IPv6 address 'zz::1'", "port 'x' is not a number")),
                Addresses.parse("[zz::1]:x", Ports.LISTEN));
    }

    @Test
    void reasonsAreOneLineAndBounded() {
        Refused forged = (Refused) Addresses.parse("web:80\nINFO forged line", Ports.LISTEN);
        assertEquals("port '80\\u000aINFO forged line' is not a number", forged.reason());
        Refused huge = (Refused) Addresses.parse("h:" + "x".repeat(10_000), Ports.LISTEN);
        assertTrue(huge.reason().length() < 300, huge.reason());
        assertTrue(huge.reason().endsWith("... (10000 characters) is not a number"), huge.reason());
        Refused longPort = (Refused) Addresses.parse("h:" + "9".repeat(1_000), Ports.LISTEN);
        assertTrue(longPort.reason().length() < 300, longPort.reason());
    }

    @Test
    void refusalsAreAddedToTheCallersProblems() {
        List<String> problems = new ArrayList<>();
        assertTrue(Addresses.parse("::1:8080", Ports.LISTEN, problems).isEmpty());
        assertEquals(List.of("an IPv6 address must be in brackets, e.g. [::1]:8080"), problems);
        assertEquals(new Address("::1", 8080), Addresses.parse("[::1]:8080", Ports.LISTEN, problems).orElseThrow());
        assertEquals(1, problems.size());
        assertEquals("[::1]:8080", new Address("::1", 8080).toString());
    }
}
