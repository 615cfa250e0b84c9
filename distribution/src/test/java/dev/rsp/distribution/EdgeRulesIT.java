package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge features in a real bin/rsp configured from etc/: {@code redirect.https} in rsp.core.cfg sends a plain
 * HTTP host to HTTPS, a backend's Location naming its own address comes back naming the site, and the rules of
 * etc/rsp.headers.cfg change request and response fields; an edit applies without a restart, a bad edit keeps the
 * rules, a bad rule at start fails the start, and bin/rsp check reads the file (and passes the shipped example).
 * Every wait polls with a deadline ({@link Waits}).
 */
class EdgeRulesIT {

    @TempDir
    Path tmp;

    static final String RULES = """
            rule.all.hosts = *
            rule.all.response.set.X-Frame-Options = DENY
            rule.all.response.remove = Server
            rule.api.hosts = api.example.com
            rule.api.request.set.X-Env = prod
            """;

    @Test
    void redirectRewriteAndHeaderRulesFromEtc() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> serve(backend), "edge-rules-backend");
            t.setDaemon(true);
            t.start();
            Files.writeString(home.etc().resolve("rsp.backends.cfg"), "backend.app = 127.0.0.1:" + backend.getLocalPort() + "\n");
            home.core("redirect.https", "secure.example.com");
            Path rules = home.etc().resolve("rsp.headers.cfg");
            Files.writeString(rules, RULES);
            Path log = tmp.resolve("rsp.log");
            Process rsp = home.start(log);
            try {
                Waits.until("a request proxied to the test backend", () -> get(home, "www.example.com", "/").startsWith("HTTP/1.1 200 "), log);
                Waits.logLine(log, "rsp.headers applied: rule.all hosts *: response remove server; set X-Frame-Options: DENY"
                        + " | rule.api hosts api.example.com: request set X-Env: prod", 1);

                String redirected = get(home, "Secure.Example.com", "/pay?order=7");
                assertTrue(redirected.startsWith("HTTP/1.1 301 Moved Permanently\r\n"), redirected);
                assertTrue(redirected.contains("\r\nLocation: https://secure.example.com/pay?order=7\r\n"), redirected);

                String moved = get(home, "www.example.com", "/login");
                assertTrue(moved.startsWith("HTTP/1.1 302 "), moved);
                assertTrue(moved.contains("\r\nLocation: http://www.example.com/home?x=1\r\n"), "the backend's own address "
                        + "becomes the site's: " + moved);
                assertTrue(moved.contains("\r\nX-Frame-Options: DENY\r\n"), moved);
                assertFalse(moved.contains("Server:"), moved);

                String api = get(home, "api.example.com", "/echo");
                assertTrue(api.contains("X-Env: prod"), "the backend got the field the rule sets: " + api);
                assertFalse(get(home, "www.example.com", "/echo").contains("X-Env"), "rule api is for api.example.com only");

                // the admin listener is a component of its own, configured after or before the proxy
                Waits.until("the admin listener answers", () -> adminStats(home).contains("\"redirect.https\""), log);
                String stats = adminStats(home);
                assertTrue(stats.contains("\"redirect.https\":1"), stats);
                assertTrue(stats.contains("\"response.location.rewritten\":1"), stats);

                RspHome.writeAtomically(rules, RULES + "rule.all.response.set.Content-Length = 5\n");
                Waits.logLine(log, "rsp.headers: rule.all.response.set.Content-Length: Content-Length frames the message or"
                        + " belongs to one connection; rsp writes it and no rule may change it; keeping the header rules in force", 1);
                assertTrue(get(home, "www.example.com", "/").contains("\r\nX-Frame-Options: DENY\r\n"), "a bad edit keeps the rules");

                RspHome.writeAtomically(rules, RULES.replace("DENY", "SAMEORIGIN"));
                Waits.until("the edited rule in force", () -> get(home, "www.example.com", "/").contains("\r\nX-Frame-Options: SAMEORIGIN\r\n"), log);
                String out = Files.readString(log, StandardCharsets.UTF_8);
                assertFalse(out.contains("\tat ") || out.contains("Exception"), out);
            } finally {
                RspHome.stop(rsp);
            }
        }
    }

    @Test
    void aBadRuleAtStartFailsTheStartAndCheckNamesIt() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        String example = Files.readString(home.etc().resolve("rsp.headers.cfg.example"));
        Files.writeString(home.etc().resolve("rsp.headers.cfg"), example.replace("\n#rule.", "\nrule."));
        String fine = check(home);
        assertTrue(fine.contains("rsp check: ") && fine.contains(" OK ("), "the shipped example's rules are valid: " + fine);

        Files.writeString(home.etc().resolve("rsp.headers.cfg"), "rule.api.hosts = api.example.com\nrule.api.request.set.Host = x\n");
        String checked = check(home);
        String line = "rsp.headers: rule.api.request.set.Host: rsp writes Host into every forwarded request itself (the host"
                + " the client asked for, which routing used); no rule may change it";
        assertTrue(checked.contains("ERROR " + line), checked);

        Path log = tmp.resolve("rsp.log");
        Process rsp = home.start(log);
        try {
            Waits.until("rsp to exit", () -> !rsp.isAlive(), log);
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(1, rsp.exitValue(), out);
            assertTrue(out.contains(line + "; no header rules until etc/rsp.headers.cfg is fixed"), out);
            assertTrue(out.contains("rsp: cannot start: " + line), out);
        } finally {
            rsp.destroyForcibly();
        }
    }

    private static String check(RspHome home) throws Exception {
        Process check = new ProcessBuilder(home.dir.resolve("bin/rsp").toString(), "check").redirectErrorStream(true).start();
        String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(30, TimeUnit.SECONDS));
        return out;
    }

    private static String adminStats(RspHome home) {
        try {
            return RawHttp.get(home.adminPort, "127.0.0.1", "/api/stats");
        } catch (IOException e) {
            return "";
        }
    }

    private static String get(RspHome home, String host, String path) {
        try {
            return RawHttp.get(home.httpPort, host, path);
        } catch (IOException e) {
            return "";
        }
    }

    /** /login: 302 to the backend's own address; anything else: 200 with the request head as the body. */
    private static void serve(ServerSocket server) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                StringBuilder head = new StringBuilder();
                while (head.indexOf("\r\n\r\n") < 0) {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    head.append((char) b);
                }
                OutputStream out = s.getOutputStream();
                byte[] body = head.toString().getBytes(StandardCharsets.ISO_8859_1);
                String response = head.toString().startsWith("GET /login ")
                        ? "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:" + server.getLocalPort() + "/home?x=1\r\n"
                                + "Server: stub\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        : "HTTP/1.1 200 OK\r\nServer: stub\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n"
                                + head;
                out.write(response.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException e) {
                // the next connection
            }
        }
    }
}
