package dev.rsp.distribution;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Debian's {@code pebble} (a test ACME CA) with {@code pebble-challtestsrv} as its DNS server, answering every name
 * with 127.0.0.1, so that pebble validates challenges against the rsp under test: HTTP-01 on {@code httpPort}, TLS-ALPN-01
 * on {@code tlsPort}. Pebble ships no certificate for its own HTTPS: it gets a self-signed one for {@code localhost},
 * which is also the trust store rsp is given. Real validation (no {@code PEBBLE_VA_ALWAYS_VALID}), without pebble's
 * random validation delays. Processes go to the fixture's helper list, so they end with the test.
 */
final class PebbleCa {

    final String directoryUrl;
    final Path trustStore;
    final Path log;

    private PebbleCa(String directoryUrl, Path trustStore, Path log) {
        this.directoryUrl = directoryUrl;
        this.trustStore = trustStore;
        this.log = log;
    }

    /**
     * Starts pebble validating against {@code httpPort} and {@code tlsPort} on 127.0.0.1, with {@code env} added to
     * pebble's environment (e.g. {@code PEBBLE_WFE_NONCEREJECT}).
     */
    static PebbleCa start(Path dir, int httpPort, int tlsPort, Map<String, String> env, List<Process> helpers)
            throws Exception {
        String pebble = TlsFixture.tool("pebble");
        String challtestsrv = TlsFixture.tool("pebble-challtestsrv", "pebble");
        Files.createDirectories(dir);
        TlsFixture.Identity https = TlsFixture.Identity.make("localhost");
        Path cert = dir.resolve("pebble.crt");
        Path key = dir.resolve("pebble.key");
        Files.writeString(cert, TlsFixture.pem(https.certificate));
        Files.writeString(key, TlsFixture.pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(https.keys.getPrivate(), null)));
        int dnsPort = RspHome.freePort();
        int acmePort = RspHome.freePort();
        int managementPort = RspHome.freePort();
        int dnsManagementPort = RspHome.freePort();
        Path config = dir.resolve("pebble.json");
        Files.writeString(config, "{\"pebble\": {\"listenAddress\": \"127.0.0.1:" + acmePort + "\","
                + " \"managementListenAddress\": \"127.0.0.1:" + managementPort + "\","
                + " \"certificate\": \"" + cert + "\", \"privateKey\": \"" + key + "\","
                + " \"httpPort\": " + httpPort + ", \"tlsPort\": " + tlsPort + ","
                + " \"ocspResponderURL\": \"\", \"externalAccountBindingRequired\": false}}\n");
        Path log = dir.resolve("pebble.log");
        List<String> dns = new ArrayList<>(List.of(challtestsrv, "-dns01", "127.0.0.1:" + dnsPort, "-http01", "",
                "-https01", "", "-tlsalpn01", "", "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "",
                "-management", "127.0.0.1:" + dnsManagementPort));
        helpers.add(new ProcessBuilder(dns).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("challtestsrv.log").toFile())).start());
        ProcessBuilder pb = new ProcessBuilder(pebble, "-config", config.toString(), "-dnsserver", "127.0.0.1:" + dnsPort)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("PEBBLE_VA_NOSLEEP", "1");
        pb.environment().putAll(env);
        helpers.add(pb.start());
        Waits.until("pebble listening", () -> listening(acmePort) && listening(dnsManagementPort), log);
        return new PebbleCa("https://localhost:" + acmePort + "/dir", cert, log);
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
