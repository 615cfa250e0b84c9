package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link LocationRewrite} without sockets: which URLs name a backend (and where their path starts), which do not. */
class LocationRewriteUnitTest {

    static int path(String value, String host, String ip, int port) {
        ByteBuffer b = ByteBuffer.wrap(("xx" + value).getBytes(StandardCharsets.ISO_8859_1));
        int p = LocationRewrite.pathStart(b, 2, b.limit(), host, ip, port);
        return p < 0 ? p : p - 2;
    }

    @Test
    void theBackendsNamesAndPort() {
        assertEquals(23, path("http://web1.internal:81/a", "web1.internal", "10.0.0.5", 81));
        assertEquals(23, path("HTTP://WEB1.internal:81", "web1.internal", null, 81), "no path: the end; case ignored");
        assertEquals(18, path("http://10.0.0.5:81?q", "web1.internal", "10.0.0.5", 81), "the resolved IP");
        assertEquals(17, path("https://localhost/x", "web1.internal", null, 443), "no port: the scheme's");
        assertEquals(17, path("http://[::1]:8080/", "web1.internal", null, 8080));
        assertEquals(21, path("http://[fd00::5]:8080#f", "[fd00::5]", null, 8080), "an IPv6 backend as configured");
    }

    @Test
    void anythingElseIsNotTouched() {
        assertEquals(-1, path("http://web1.internal:82/a", "web1.internal", null, 81), "another port");
        assertEquals(-1, path("http://web1.internal/a", "web1.internal", null, 81), "no port is 80");
        assertEquals(-1, path("http://user@web1.internal:81/a", "web1.internal", null, 81), "userinfo: not the host");
        assertEquals(-1, path("/relative", "web1.internal", null, 81));
        assertEquals(-1, path("//web1.internal:81/a", "web1.internal", null, 81), "network-path reference");
        assertEquals(-1, path("ftp://web1.internal:81/a", "web1.internal", null, 81));
        assertEquals(-1, path("http://web1.internal:8x/a", "web1.internal", null, 81));
        assertEquals(-1, path("http://web1.internal:0000081/a", "web1.internal", null, 81), "a port of more than 5 digits");
        assertEquals(-1, path("http://[::1/a", "web1.internal", null, 81), "an unclosed bracket");
        assertEquals(-1, path("http://other.example:81/a", "web1.internal", "10.0.0.5", 81));
    }

    @Test
    void theUrlOfARefreshValue() {
        ByteBuffer b = ByteBuffer.wrap("5; URL='http://x/'".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(8, LocationRewrite.refreshUrl(b, 0, b.limit()));
        ByteBuffer none = ByteBuffer.wrap("5".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(-1, LocationRewrite.refreshUrl(none, 0, none.limit()));
    }
}
