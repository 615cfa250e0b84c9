package dev.rsp.core.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The admin listener over real HTTP on 127.0.0.1 and a free port. */
class AdminServerTest {

    @Test
    void servesTheApiAndBoundsWhatItReads() throws Exception {
        try (AdminFixture f = new AdminFixture();
                AdminServer server = AdminServer.start(new InetSocketAddress("127.0.0.1", 0), f.routes(AdminSettingsTest.TOKEN))) {
            String base = "http://127.0.0.1:" + server.address().getPort();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> stats = http.send(HttpRequest.newBuilder(URI.create(base + "/api/stats")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, stats.statusCode());
            assertTrue(stats.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            assertEquals("nosniff", stats.headers().firstValue("X-Content-Type-Options").orElse(""));
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", metrics.headers().firstValue("Content-Type").orElse(""));
            assertTrue(metrics.body().contains("# TYPE rsp_listener_requests_total counter"));

            HttpResponse<String> json = http.send(HttpRequest.newBuilder(URI.create(base + "/api/backends"))
                    .header("Authorization", "Bearer " + AdminSettingsTest.TOKEN).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"c\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(415, json.statusCode(), json.body());
            HttpResponse<String> big = http.send(HttpRequest.newBuilder(URI.create(base + "/api/whatif"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("x=" + "a".repeat(AdminServer.MAX_BODY))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(413, big.statusCode(), big.body());
            HttpResponse<String> added = http.send(HttpRequest.newBuilder(URI.create(base + "/api/backends"))
                    .header("Authorization", "Bearer " + AdminSettingsTest.TOKEN)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("name=c&address=127.0.0.1%3A3")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, added.statusCode(), added.body());
            HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(URI.create(base + "/api/backends?name=c"))
                    .header("Authorization", "Bearer " + AdminSettingsTest.TOKEN).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, deleted.statusCode(), deleted.body());
            assertEquals(400, http.send(HttpRequest.newBuilder(URI.create(base + "/api/route?url=a&url=b")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }
}
