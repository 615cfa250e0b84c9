package dev.rsp.core.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.spi.tls.CertificateInfo;
import dev.rsp.spi.tls.Inspection;
import dev.rsp.spi.tls.Passthrough;
import dev.rsp.spi.tls.TlsFront;
import dev.rsp.spi.tls.TlsHandling;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /api/certificates}: what the TLS fronts list, filtered and limited, as JSON. */
class CertificatesApiTest {

    AdminFixture f;

    static final List<CertificateInfo> CERTS = List.of(
            new CertificateInfo(List.of("a.example", "www.a.example"), "EC 256", "CN=Test CA",
                    Instant.parse("2030-01-01T00:00:00Z"), "certbot", Optional.of("live/a.example/fullchain.pem"),
                    true, Optional.empty(), Optional.empty()),
            new CertificateInfo(List.of("b.example"), "RSA 2048", "CN=Pebble Intermediate CA",
                    Instant.parse("2031-06-01T00:00:00Z"), "acme", Optional.of("acme/b.example.pem"), false,
                    Optional.of(Instant.parse("2031-04-01T00:00:00Z")), Optional.of("rateLimited: too many orders")));

    /** A passthrough front (the listener kind does not matter here) that lists {@link #CERTS}. */
    static final class ListingFront implements TlsFront {
        String lastFilter;
        int lastLimit;

        @Override
        public InetSocketAddress listenAddress() {
            return new InetSocketAddress("127.0.0.1", 0);
        }

        @Override
        public TlsHandling handling() {
            return new Passthrough() {
                @Override
                public Optional<String> defaultBackend() {
                    return Optional.empty();
                }

                @Override
                public int backendPort() {
                    return 0;
                }
            };
        }

        @Override
        public int maxHelloBytes() {
            return 16384;
        }

        @Override
        public Duration helloTimeout() {
            return Duration.ofSeconds(1);
        }

        @Override
        public Inspection inspect(ByteBuffer received) {
            return Inspection.NEED_MORE;
        }

        @Override
        public List<CertificateInfo> certificates(String nameFilter, int limit) {
            lastFilter = nameFilter;
            lastLimit = limit;
            return CERTS.stream().filter(c -> c.names().stream().anyMatch(n -> n.contains(nameFilter))).limit(limit).toList();
        }

        @Override
        public int certificateCount() {
            return CERTS.size();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        f = new AdminFixture();
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void listsEveryFrontsCertificatesWithRenewalAndErrors() throws Exception {
        ListingFront front = new ListingFront();
        f.engine.addTlsFront(front);
        AdminRoutes routes = f.routes("");
        AdminResponse r = routes.handle(AdminFixture.get("/api/certificates", ""));
        assertEquals(200, r.status());
        String s = r.bodyText();
        assertTrue(s.startsWith("{\"total\":2,\"listed\":2,"), s);
        assertTrue(s.contains("{\"names\":[\"a.example\",\"www.a.example\"],\"key_type\":\"EC 256\",\"issuer\":\"CN=Test CA\","
                + "\"not_after\":\"2030-01-01T00:00:00Z\""), s);
        assertTrue(s.contains("\"source\":\"certbot\",\"file\":\"live/a.example/fullchain.pem\",\"loaded\":true,"
                + "\"next_renewal\":null,\"last_error\":null}"), s);
        assertTrue(s.contains("\"source\":\"acme\",\"file\":\"acme/b.example.pem\",\"loaded\":false,"
                + "\"next_renewal\":\"2031-04-01T00:00:00Z\",\"last_error\":\"rateLimited: too many orders\"}"), s);
        assertEquals(CertificatesApi.DEFAULT_LIMIT, front.lastLimit);

        String one = routes.handle(AdminFixture.get("/api/certificates", "name=b.ex&limit=1")).bodyText();
        assertTrue(one.startsWith("{\"total\":2,\"listed\":1,\"certificates\":[{\"names\":[\"b.example\"]"), one);
        assertEquals("b.ex", front.lastFilter);
    }

    @Test
    void aBadLimitIs400AndOtherMethods405() {
        AdminRoutes routes = f.routes("");
        AdminResponse bad = routes.handle(AdminFixture.get("/api/certificates", "limit=0"));
        assertEquals(400, bad.status());
        assertTrue(bad.bodyText().contains("limit must be a whole number from 1 to 10000"), bad.bodyText());
        assertEquals(400, routes.handle(AdminFixture.get("/api/certificates", "limit=lots")).status());
        assertEquals(405, routes.handle(AdminFixture.call("POST", "/api/certificates", "", null)).status());
        String none = routes.handle(AdminFixture.get("/api/certificates", "")).bodyText();
        assertEquals("{\"total\":0,\"listed\":0,\"certificates\":[]}", none);
    }
}
