package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What rsp agrees to in and after a TLS handshake, with both engines: ALPN answers (h2 first, then http/1.1; HTTP/2
 * itself is {@link Http2IT}'s), a configured protocol rsp does not speak negotiated then closed and counted, and a
 * client-initiated renegotiation refused while others are still served.
 */
class TlsProtocolsIT extends TlsFixture {

    @ParameterizedTest
    @ValueSource(strings = {"auto", "jsse"})
    void alpnAnswersH2FirstAndAClientWithoutACommonProtocolSeesWhatEachEngineDoes(String engine) throws Exception {
        Identity alice = Identity.make("alice.example.com");
        start(alice, "mode = terminate\nengine = " + engine);
        Path ca = tmp.resolve("alice-ca.pem");
        Files.writeString(ca, pem(alice.certificate));
        String both = run(List.of(tool("openssl"), "s_client", "-connect", "127.0.0.1:" + tlsPort, "-servername",
                "alice.example.com", "-CAfile", ca.toString(), "-alpn", "http/1.1,h2"), "");
        assertTrue(both.contains("ALPN protocol: h2"), "rsp's preference among the client's: " + both);
        String h2Only = run(List.of(tool("openssl"), "s_client", "-connect", "127.0.0.1:" + tlsPort, "-servername",
                "alice.example.com", "-CAfile", ca.toString(), "-alpn", "h2"), "");
        assertTrue(h2Only.contains("ALPN protocol: h2"), "an h2-only client is served: " + h2Only);
        String out = run(List.of(tool("openssl"), "s_client", "-connect", "127.0.0.1:" + tlsPort, "-servername",
                "alice.example.com", "-CAfile", ca.toString(), "-alpn", "spdy/3.1"), "");
        if (expectedEngine(engine).equals("boringssl")) {
            assertTrue(out.contains("No ALPN negotiated") && out.contains("Verify return code: 0 (ok)"),
                    "BoringSSL completes the handshake without ALPN: " + out);
        } else {
            assertTrue(out.toLowerCase().contains("no application protocol"), "the JDK's engine sends the alert: " + out);
        }
    }

    @Test
    void aConfiguredProtocolRspDoesNotSpeakIsNegotiatedThenClosedAndCounted() throws Exception {
        Identity alice = Identity.make("alice.example.com");
        start(alice, "mode = terminate\nalpn = spdy/3.1, h2, http/1.1");
        Path ca = tmp.resolve("alice-ca.pem");
        Files.writeString(ca, pem(alice.certificate));
        Waits.until("the warning about spdy/3.1", () -> readQuietly(log).contains("rsp does not speak 'spdy/3.1'"), log);
        assertFalse(readQuietly(log).contains("rsp does not speak 'h2'"), "h2 is spoken");
        String out = run(List.of(tool("openssl"), "s_client", "-connect", "127.0.0.1:" + tlsPort, "-servername",
                "alice.example.com", "-CAfile", ca.toString(), "-alpn", "http/1.1,spdy/3.1"), "");
        assertTrue(out.contains("ALPN protocol: spdy/3.1"), "rsp's preference among the client's: " + out);
        String closed = "rsp_events_total{event=\"tls.alpn.unspoken\"} 1";
        Waits.until("the connection closed and counted (" + closed + ")", () -> metricsQuietly().contains(closed), log);
        String version = run(List.of(tool("curl"), "-sS", "--http2", "-o", "/dev/null", "-w", "%{http_version}", "--max-time", "10",
                "--cacert", ca.toString(), "--resolve", "alice.example.com:" + tlsPort + ":127.0.0.1",
                "https://alice.example.com:" + tlsPort + "/one"), "");
        assertEquals("2", version.strip(), "an h2 client is served");
        String body = run(List.of(tool("curl"), "-sS", "--http1.1", "--max-time", "10", "--cacert", ca.toString(), "--resolve",
                "alice.example.com:" + tlsPort + ":127.0.0.1", "https://alice.example.com:" + tlsPort + "/one"), "");
        assertTrue(body.contains("demo-"), "an http/1.1 client is served: " + body);
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto", "jsse"})
    void clientInitiatedRenegotiationIsRefusedAndOthersAreStillServed(String engine) throws Exception {
        Identity alice = Identity.make("alice.example.com");
        start(alice, "mode = terminate\nengine = " + engine);
        Path ca = tmp.resolve("alice-ca.pem");
        Files.writeString(ca, pem(alice.certificate));
        Path out = tmp.resolve("renegotiation.out");
        // Without -ign_eof (and -quiet) s_client takes commands from stdin: a line "R" renegotiates (TLS 1.2 and older).
        Process client = new ProcessBuilder(tool("openssl"), "s_client", "-connect", "127.0.0.1:" + tlsPort, "-tls1_2",
                "-servername", "alice.example.com", "-CAfile", ca.toString(), "-verify_return_error")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try (OutputStream stdin = client.getOutputStream()) {
            stdin.write("GET /before HTTP/1.1\r\nHost: alice.example.com\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            stdin.flush();
            Waits.until("the answer before renegotiating", () -> readQuietly(out).contains("HTTP/1.1 200 "), out);
            stdin.write("R\n".getBytes(StandardCharsets.ISO_8859_1));
            stdin.flush();
            // stdin stays open, so s_client ends only when rsp closes the connection.
            Waits.until("s_client ended by rsp", () -> !client.isAlive(), out);
        } finally {
            client.destroyForcibly();
        }
        String transcript = readQuietly(out);
        int renegotiating = transcript.indexOf("RENEGOTIATING");
        assertTrue(renegotiating >= 0, transcript);
        String after = transcript.substring(renegotiating);
        assertFalse(after.contains("verify return:"), "no second handshake was completed: " + after);
        assertTrue(after.contains("closed") || after.contains("alert"), after);
        String refused = "rsp_events_total{event=\"tls.renegotiation.refused\"} 1";
        Waits.until("the refusal counted (" + refused + ")", () -> metricsQuietly().contains(refused), out);

        // rsp still serves others, keep-alive included.
        try (SSLSocket s = connect(alice, "alice.example.com")) {
            assertTrue(get(s, "alice.example.com", "/after").startsWith("HTTP/1.1 200 "));
            assertTrue(get(s, "alice.example.com", "/again").startsWith("HTTP/1.1 200 "));
        }
    }
}
