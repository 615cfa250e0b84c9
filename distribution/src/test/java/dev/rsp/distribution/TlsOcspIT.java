package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * OCSP stapling by the BoringSSL engine against {@code openssl ocsp} and a test CA made with {@code openssl}: a good
 * answer stapled, a certificate whose responder cannot be reached served without a staple and a WARN saying why.
 */
class TlsOcspIT extends TlsFixture {

    @Test
    void theNativeEngineStaplesTheResponderAnswerAndServesWithoutAStapleWhenThereIsNone() throws Exception {
        Assumptions.assumeTrue(expectedEngine("auto").equals("boringssl"), "BoringSSL does not load here");
        String openssl = tool("openssl");
        Path pki = Files.createDirectories(tmp.resolve("pki"));
        run(List.of(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-days", "3", "-subj", "/CN=rsp test CA", "-addext", "basicConstraints=critical,CA:true",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-keyout", pki.resolve("ca.key").toString(),
                "-out", pki.resolve("ca.crt").toString()), "");
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
