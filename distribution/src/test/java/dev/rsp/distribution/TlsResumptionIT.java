package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Session resumption as {@code openssl s_client} sees it: the BoringSSL engine resumes across a restart with
 * {@code tickets.keys.file} and through a key rotation, the JDK's engine within one process only (and says so), the
 * session cache for TLS 1.2 without tickets, {@code tls.handshake.full/resumed} counted; a wrong session setting fails
 * the start.
 */
class TlsResumptionIT extends TlsFixture {

    @Test
    void sessionsResumeAcrossARestartWithTheTicketKeyFileAndSurviveARotation() throws Exception {
        Assumptions.assumeTrue(expectedEngine("auto").equals("boringssl"), "BoringSSL does not load here");
        Identity alice = Identity.make("alice.example.com");
        Path keys = tmp.resolve("tickets.keys");
        String first = ticketKey();
        RspHome.writeAtomically(keys, first + "\n");
        start(alice, "mode = terminate\nengine = native\ntickets.keys.file = " + keys);
        Path ca = trust(alice);
        Path session = tmp.resolve("session.pem");
        assertHandshake("New, TLSv1.3", ca, "-sess_out", session.toString());
        assertHandshake("Reused, TLSv1.3", ca, "-sess_in", session.toString());
        awaitCount("tls.handshake.full", 1);
        awaitCount("tls.handshake.resumed", 1);

        restart();
        assertHandshake("Reused, TLSv1.3", ca, "-sess_in", session.toString());
        awaitCount("tls.handshake.resumed", 1);
        awaitCount("tls.handshake.full", 0);

        // Rotation: a new key encrypts, the previous one still decrypts; once dropped, its tickets get a full handshake.
        RspHome.writeAtomically(keys, ticketKey() + "\n" + first + "\n");
        Waits.until("the rotated file read", () -> readQuietly(log).contains("2 keys (digest"), log);
        assertHandshake("Reused, TLSv1.3", ca, "-sess_in", session.toString());
        RspHome.writeAtomically(keys, ticketKey() + "\n");
        Waits.until("the old key dropped", () -> readQuietly(log).contains("1 key (digest") 
                && readQuietly(log).contains("replacing 2 keys"), log);
        assertHandshake("New, TLSv1.3", ca, "-sess_in", session.toString());

        // A broken file keeps the keys in force.
        RspHome.writeAtomically(keys, "not base64 !\n");
        Waits.until("an ERROR naming the key file", () -> readQuietly(log).contains("tickets.keys.file: " + keys + " line 1"), log);
        Path again = tmp.resolve("again.pem");
        assertHandshake("New, TLSv1.3", ca, "-sess_out", again.toString());
        assertHandshake("Reused, TLSv1.3", ca, "-sess_in", again.toString());
    }

    @Test
    void theJdkEngineResumesWithinOneProcessOnlyAndSaysSo() throws Exception {
        Identity alice = Identity.make("alice.example.com");
        Path keys = tmp.resolve("tickets.keys");
        RspHome.writeAtomically(keys, ticketKey() + "\n");
        start(alice, "mode = terminate\nengine = jsse\ntickets.keys.file = " + keys);
        Waits.until("the WARN about the key file", () -> readQuietly(log).contains("cannot take ticket keys"), log);
        Path ca = trust(alice);
        Path session = tmp.resolve("session.pem");
        Path session12 = tmp.resolve("session12.pem");
        assertHandshake("New, TLSv1.3", ca, "-sess_out", session.toString());
        assertHandshake("Reused, TLSv1.3", ca, "-sess_in", session.toString());
        // TLS 1.2 without tickets: the session cache (resumption by session id)
        assertHandshake("New, TLSv1.2", ca, "-tls1_2", "-no_ticket", "-sess_out", session12.toString());
        assertHandshake("Reused, TLSv1.2", ca, "-tls1_2", "-no_ticket", "-sess_in", session12.toString());
        awaitCount("tls.handshake.full", 2);
        awaitCount("tls.handshake.resumed", 2);
        restart();
        assertHandshake("New, TLSv1.3", ca, "-sess_in", session.toString());
    }

    @Test
    void aWrongSessionSettingFailsTheStart() throws Exception {
        Identity alice = Identity.make("alice.example.com");
        certs = Files.createDirectories(tmp.resolve("certs"));
        write(alice, "alice.example.com");
        Path keys = tmp.resolve("short.keys");
        Files.writeString(keys, java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\n");
        home = RspHome.copyTo(tmp.resolve("rsp"));
        Path cfg = home.etc().resolve("rsp.tls.cfg");
        Files.writeString(cfg, Files.readString(cfg) + "\ncerts.dir = " + certs + "\ntickets.keys.file = " + keys
                + "\nsession.timeout.ms = 0\n");
        log = tmp.resolve("rsp.log");
        rsp = new ProcessBuilder(home.dir.resolve("bin/rsp").toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        assertTrue(rsp.waitFor(60, TimeUnit.SECONDS), "rsp exits");
        assertEquals(1, rsp.exitValue());
        String out = readQuietly(log);
        assertTrue(out.contains("session.timeout.ms = '0'"), out);
    }

    private Path trust(Identity id) throws IOException {
        Path ca = tmp.resolve("trust-" + System.nanoTime() + ".pem");
        Files.writeString(ca, pem(id.certificate));
        return ca;
    }

    /** One handshake and request by openssl s_client (with {@code more} options); asserts its "New"/"Reused" line. */
    private void assertHandshake(String expected, Path ca, String... more) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(tool("openssl"), "s_client", "-connect", "127.0.0.1:" + tlsPort,
                "-servername", "alice.example.com", "-CAfile", ca.toString(), "-verify_return_error", "-ign_eof"));
        cmd.addAll(List.of(more));
        // a request, so that BoringSSL sends its tickets (after the client's first data) before the answer
        String out = run(cmd, "GET /r HTTP/1.1\r\nHost: alice.example.com\r\nConnection: close\r\n\r\n");
        assertTrue(out.contains(expected + ", Cipher is"), "expected " + expected + ": " + out);
        assertTrue(out.contains("HTTP/1.1 200 "), out);
    }

    private void awaitCount(String event, long n) {
        String line = "rsp_events_total{event=\"" + event + "\"} " + n + "\n";
        Waits.until(line.strip(), () -> metricsQuietly().contains(line), log);
    }

    /** A session ticket key as tickets.keys.file takes it: 48 random bytes in base64. */
    private static String ticketKey() {
        byte[] key = new byte[48];
        new SecureRandom().nextBytes(key);
        return java.util.Base64.getEncoder().encodeToString(key);
    }
}
