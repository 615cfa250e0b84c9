package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * OCSP stapling by the BoringSSL engine against {@code openssl ocsp} and a test CA made with {@code openssl}: a good
 * answer stapled, a certificate whose responder cannot be reached served without a staple and a WARN saying why; a
 * responder that sends its head and then stalls given up at {@code ocsp.fetch.timeout.ms}, said in the WARN and
 * counted in {@code /metrics}; a wrong {@code ocsp.fetch.timeout.ms} fails the start.
 */
class TlsOcspIT extends TlsFixture {

    @Test
    void theNativeEngineStaplesTheResponderAnswerAndServesWithoutAStapleWhenThereIsNone() throws Exception {
        Assumptions.assumeTrue(expectedEngine("auto").equals("boringssl"), "BoringSSL does not load here");
        String openssl = tool("openssl");
        Path pki = testCa(openssl);
        // The responder knows serial 1001 (alice) as valid; it reads its index at start.
        Files.writeString(pki.resolve("index.txt"), "V\t491231235959Z\t\t1001\tunknown\t/CN=alice.example.com\n");
        Path responderOut = pki.resolve("ocsp.out");
        Process responder = new ProcessBuilder(openssl, "ocsp", "-index", pki.resolve("index.txt").toString(), "-port", "0",
                "-rsigner", pki.resolve("ca.crt").toString(), "-rkey", pki.resolve("ca.key").toString(),
                "-CA", pki.resolve("ca.crt").toString(), "-nmin", "10").redirectErrorStream(true)
                .redirectOutput(responderOut.toFile()).start();
        helpers.add(responder);
        Waits.until("the OCSP responder's port", () -> readQuietly(responderOut).matches("(?s).*ACCEPT \\S*:\\d+.*"), responderOut);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("ACCEPT \\S*:(\\d+)").matcher(readQuietly(responderOut));
        assertTrue(m.find());
        int port = Integer.parseInt(m.group(1));
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        certs = Files.createDirectories(tmp.resolve("certs"));
        issue(openssl, pki, "alice.example.com", "1001", "http://127.0.0.1:" + port + "/");
        issue(openssl, pki, "bob.example.com", "1002", "http://127.0.0.1:" + closed + "/");
        startWith("mode = terminate\nengine = native");

        Waits.until("alice's handshake with a stapled good response", () -> {
            String out = statusOf("alice.example.com", pki.resolve("ca.crt"));
            return out.contains("OCSP Response Status: successful") && out.contains("Cert Status: good");
        }, log);
        Waits.until("the WARN about bob's responder", () -> readQuietly(log).contains("OCSP: bob.example.com.crt"), log);
        String bob = statusOf("bob.example.com", pki.resolve("ca.crt"));
        assertTrue(bob.contains("OCSP response: no response sent"), bob);
        assertTrue(bob.contains("Verify return code: 0 (ok)"), "served all the same: " + bob);
        String warn = readQuietly(log).lines().filter(l -> l.contains("OCSP: bob.example.com.crt")).findFirst().orElse("");
        assertTrue(warn.contains("WARN") && warn.contains("served without a staple"), warn);
    }

    @Test
    void aResponderThatStallsAfterItsHeadIsGivenUpAtTheFetchTimeoutAndCounted() throws Exception {
        Assumptions.assumeTrue(expectedEngine("auto").equals("boringssl"), "BoringSSL does not load here");
        String openssl = tool("openssl");
        Path pki = testCa(openssl);
        try (StallingResponder stalling = new StallingResponder()) {
            certs = Files.createDirectories(tmp.resolve("certs"));
            issue(openssl, pki, "carol.example.com", "1003", "http://127.0.0.1:" + stalling.port() + "/");
            startWith("mode = terminate\nengine = native\nocsp.fetch.timeout.ms = 1s");

            Waits.until("the WARN about carol's responder", () -> readQuietly(log).contains("OCSP: carol.example.com.crt"), log);
            String warn = readQuietly(log).lines().filter(l -> l.contains("OCSP: carol.example.com.crt")).findFirst().orElse("");
            assertTrue(warn.contains("WARN") && warn.contains("no answer from http://127.0.0.1:" + stalling.port()
                    + "/: no whole answer within 1000 ms (ocsp.fetch.timeout.ms): the response head came, its body did "
                    + "not finish; served without a staple"), warn);
            assertTrue(stalling.asked() >= 1, "the responder was asked");
            String carol = statusOf("carol.example.com", pki.resolve("ca.crt"));
            assertTrue(carol.contains("OCSP response: no response sent"), carol);
            assertTrue(carol.contains("Verify return code: 0 (ok)"), "served all the same: " + carol);
            Waits.until("tls.ocsp.fetch.timeout counted in /metrics", () -> eventCount("tls.ocsp.fetch.timeout") >= 1, log);
            assertEquals(0, eventCount("tls.ocsp.fetched"), "nothing fetched");
        }
    }

    @Test
    void aWrongOcspFetchTimeoutFailsTheStart() throws Exception {
        certs = Files.createDirectories(tmp.resolve("certs"));
        write(Identity.make("alice.example.com"), "alice.example.com");
        assertEquals(1, exitOfStartWith("ocsp.fetch.timeout.ms = 0"));
        String out = readQuietly(log);
        assertTrue(out.contains("ocsp.fetch.timeout.ms = '0': expected a whole number from 100 to 300000"), out);
    }

    /** A CA made by openssl in tmp/pki (ca.key, ca.crt), as a CA's responder and its leaves need. */
    private Path testCa(String openssl) throws Exception {
        Path pki = Files.createDirectories(tmp.resolve("pki"));
        run(List.of(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-days", "3", "-subj", "/CN=rsp test CA", "-addext", "basicConstraints=critical,CA:true",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-keyout", pki.resolve("ca.key").toString(),
                "-out", pki.resolve("ca.crt").toString()), "");
        return pki;
    }

    /**
     * An OCSP responder on 127.0.0.1 (port 0) that reads each request, sends a 200 head announcing 2,000 bytes and 10
     * of them, then nothing more: each connection stays open until the client gives up or the test ends.
     */
    static final class StallingResponder implements AutoCloseable {
        private final java.net.ServerSocket server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        private final List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();

        StallingResponder() throws IOException {
            Thread t = new Thread(this::serve, "stalling-ocsp-responder");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        int asked() {
            return held.size();
        }

        private void serve() {
            while (!server.isClosed()) {
                try {
                    java.net.Socket s = server.accept();
                    java.io.InputStream in = s.getInputStream();
                    StringBuilder head = new StringBuilder();
                    while (head.indexOf("\r\n\r\n") < 0) {
                        int c = in.read();
                        if (c < 0) {
                            break;
                        }
                        head.append((char) c);
                    }
                    held.add(s);
                    s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/ocsp-response\r\n"
                            + "Content-Length: 2000\r\n\r\n0123456789").getBytes(StandardCharsets.ISO_8859_1));
                } catch (IOException e) {
                    // closed, or a client gone
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (java.net.Socket s : held) {
                s.close();
            }
        }
    }

    /** An EC leaf for {@code name} issued by the test CA with serial {@code serialHex} and an OCSP responder URL. */
    private void issue(String openssl, Path pki, String name, String serialHex, String responder) throws Exception {
        Path key = certs.resolve(name + ".key");
        Path csr = pki.resolve(name + ".csr");
        Path ext = pki.resolve(name + ".ext");
        Path leaf = pki.resolve(name + ".leaf");
        run(List.of(openssl, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj",
                "/CN=" + name, "-keyout", key.toString(), "-out", csr.toString()), "");
        Files.writeString(ext, "subjectAltName=DNS:" + name + "\nauthorityInfoAccess=OCSP;URI:" + responder + "\n");
        run(List.of(openssl, "x509", "-req", "-in", csr.toString(), "-CA", pki.resolve("ca.crt").toString(), "-CAkey",
                pki.resolve("ca.key").toString(), "-set_serial", "0x" + serialHex, "-days", "2", "-extfile", ext.toString(),
                "-out", leaf.toString()), "");
        RspHome.writeAtomically(certs.resolve(name + ".crt"), Files.readString(leaf) + Files.readString(pki.resolve("ca.crt")));
    }

    private String statusOf(String name, Path ca) {
        try {
            return run(List.of(tool("openssl"), "s_client", "-connect", "127.0.0.1:" + tlsPort, "-servername", name,
                    "-CAfile", ca.toString(), "-status"), "");
        } catch (Exception e) {
            return e.toString();
        }
    }
}
