package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PROXY protocol in the assembled distribution: bin/rsp with {@code proxy.protocol} and {@code proxy.trusted} in
 * etc/rsp.core.cfg (HTTP listener) and etc/rsp.tls.cfg (TLS listener), behind a real HAProxy ({@code send-proxy-v2},
 * {@code proxy-v2-options crc32c}) and {@code curl --haproxy-protocol}. The client connects to HAProxy from 127.0.0.2;
 * HAProxy connects to rsp from 127.0.0.1: the access log names 127.0.0.2. A connection without a header is closed
 * and counted; a bad edit keeps the settings in force; switching the protocol on without trusted peers fails the start
 * and bin/rsp check names it.
 */
class ProxyProtocolIT {

    @TempDir
    Path tmp;

    @Test
    void behindHaproxyAndCurlTheAccessLogNamesTheClientOnBothListeners() throws Exception {
        String haproxyExe = executable("haproxy", "apt-get install haproxy");
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        home.core("proxy.protocol", "any").core("proxy.trusted", "127.0.0.1/32, ::1");
        Path tlsCfg = home.etc().resolve("rsp.tls.cfg");
        Files.writeString(tlsCfg, Files.readString(tlsCfg) + "\nproxy.protocol = v1\nproxy.trusted = 127.0.0.0/8\n");
        int front = RspHome.freePort();
        Path cfg = tmp.resolve("haproxy.cfg");
        Files.writeString(cfg, "global\n  maxconn 100\n"
                + "defaults\n  mode tcp\n  timeout connect 5s\n  timeout client 10s\n  timeout server 10s\n"
                + "listen v2\n  bind 127.0.0.1:" + front + "\n  server rsp 127.0.0.1:" + home.httpPort
                + " send-proxy-v2 proxy-v2-options crc32c\n");
        Path log = tmp.resolve("rsp.log");
        Process rsp = home.start(log);
        Process haproxy = new ProcessBuilder(haproxyExe, "-db", "-f", cfg.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("haproxy.log").toFile()).start();
        try {
            Waits.until("a proxied answer to curl --haproxy-protocol", () -> curl("--haproxy-protocol", "-H",
                    "Host: alice.example.com", "http://127.0.0.1:" + home.httpPort + "/curl").startsWith("200"), log);

            Waits.until("a proxied answer through HAProxy from 127.0.0.2", () -> fromSecondLoopback(front, "/haproxy")
                    .startsWith("HTTP/1.1 200 "), log);
            Waits.logLine(log, " 127.0.0.2 http alice.example.com GET /haproxy HTTP/1.1 200 ", 1);

            Waits.until("the TLS listener answering curl --haproxy-protocol", () -> curl("--haproxy-protocol", "-k",
                    "--resolve", "alice.example.com:" + home.tlsPort + ":127.0.0.1",
                    "https://alice.example.com:" + home.tlsPort + "/tls").startsWith("200"), log);
            Waits.logLine(log, " 127.0.0.1 https alice.example.com GET /tls HTTP/2 200 ", 1);

            String refused = RawHttp.get(home.httpPort, "alice.example.com", "/no-header");
            assertEquals("", refused, "a connection without a header is closed unanswered");
            String stats = RawHttp.get(home.adminPort, "127.0.0.1", "/api/stats");
            assertTrue(stats.contains("\"proxy.reject.signature\":1"), stats);
            assertFalse(stats.contains("\"proxy.proxied\":0"), stats);
            assertTrue(stats.contains("\"proxy.reject.crc\":0"), stats);

            home.core("proxy.trusted", "lb.internal");
            Waits.logLine(log, "proxy.trusted: 'lb.internal' is not an address range: expected an IPv4 or IPv6 address, "
                    + "optionally with /bits (10.0.0.0/8, 2001:db8::/32); keeping the previous configuration", 1);
            assertEquals("200", curl("--haproxy-protocol", "-H", "Host: alice.example.com",
                    "http://127.0.0.1:" + home.httpPort + "/after-bad-edit"), "the last good settings stay in force");
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(out.contains("PROXY header from 127.0.0.1 refused: no PROXY protocol signature of an accepted "
                    + "version; connection closed"), out);
            assertFalse(out.contains("\tat ") || out.contains("Exception"), out);
        } finally {
            haproxy.destroy();
            RspHome.stop(rsp);
        }
    }

    @Test
    void onWithoutTrustedPeersFailsTheStartAndCheckNamesIt() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        home.core("proxy.protocol", "v2");
        String line = "proxy.trusted: required with proxy.protocol = v2: the addresses of the load balancers that send "
                + "the header (CIDRs, e.g. 10.0.0.0/8, 2001:db8::/32); 0.0.0.0/0, ::/0 trusts everyone";
        Process check = new ProcessBuilder(home.dir.resolve("bin/rsp").toString(), "check").redirectErrorStream(true).start();
        String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, check.exitValue(), checked);
        assertTrue(checked.contains(line), checked);

        Path log = tmp.resolve("rsp.log");
        Process rsp = home.start(log);
        try {
            Waits.until("rsp to exit", () -> !rsp.isAlive(), log);
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(1, rsp.exitValue(), out);
            assertTrue(out.contains(line), out);
            assertFalse(out.contains("\tat "), out);
        } finally {
            rsp.destroyForcibly();
        }
    }

    /** GET {@code path} for alice.example.com to 127.0.0.1:{@code port} from 127.0.0.2; the raw answer, or "" on failure. */
    private static String fromSecondLoopback(int port, String path) {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: alice.example.com\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            s.getInputStream().transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** curl's status code (and nothing else) for {@code args}; "" when it failed. */
    private String curl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out.trim() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** The program's path; absent: fails under CI (.ci/run installs it), skips elsewhere. */
    private static String executable(String name, String install) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin:/usr/local/sbin";
        for (String d : path.split(File.pathSeparator)) {
            File f = new File(d, name);
            if (!d.isEmpty() && f.canExecute()) {
                return f.getPath();
            }
        }
        String message = name + " is not installed (" + install + ")";
        if (System.getenv("CI") != null) {
            fail(message);
        }
        Assumptions.abort(message);
        return name;
    }
}
