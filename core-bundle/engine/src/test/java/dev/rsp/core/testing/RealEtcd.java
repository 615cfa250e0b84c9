package dev.rsp.core.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway etcd (Debian's etcd-server) for one test: its own data directory, client and peer ports from
 * {@link ExternalPrograms#freePort} (etcd cannot bind port 0; a port lost to a race is retried with new ones), metrics off.
 * Keys are written through the same JSON gateway rsp reads. Skipped when etcd is not installed, unless CI is set.
 */
public final class RealEtcd implements AutoCloseable {

    final Path dataDir;
    final Path log;
    int clientPort;
    private int peerPort;
    private Process process;
    private HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    /** With {@link #tls}: etcd serves https with these files and asks clients for a certificate. */
    private Path serverCert;
    private Path serverKey;
    private Path clientAuthorities;
    private final java.util.List<String> extraArgs = new java.util.ArrayList<>();
    /** The token of this helper's own calls once {@link #enableAuth} turned authentication on. */
    private String token;
    private String rootPassword;

    public RealEtcd(Path dir) {
        this.dataDir = dir.resolve("etcd-data");
        this.log = dir.resolve("etcd.log");
    }

    public static void assumeInstalled() {
        boolean installed = Files.isExecutable(Path.of("/usr/bin/etcd"));
        if (System.getenv("CI") != null && !installed) {
            throw new AssertionError("etcd is not installed (Debian package etcd-server); CI must install it");
        }
        Assumptions.assumeTrue(installed, "etcd is not installed (Debian package etcd-server)");
    }

    /** The client URL: http://127.0.0.1:port, or https://localhost:port with {@link #tls} (the name its certificate holds). */
    public String endpoint() {
        return serverCert == null ? "http://127.0.0.1:" + clientPort : "https://localhost:" + clientPort;
    }

    /**
     * Serves https with {@code cert} and {@code key} (PEM; the certificate names {@code localhost}), requires a client
     * certificate signed by (or one of) {@code clientAuthorities}, and makes this helper's own calls with {@code self}
     * (a context that trusts the server and presents such a certificate). Call before {@link #start}.
     */
    public RealEtcd tls(Path cert, Path key, Path clientAuthorities, javax.net.ssl.SSLContext self) {
        this.serverCert = cert;
        this.serverKey = key;
        this.clientAuthorities = clientAuthorities;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(self)
                .connectTimeout(Duration.ofSeconds(2)).build();
        return this;
    }

    /** More etcd flags (e.g. {@code --auth-token-ttl=1}). Call before {@link #start}. */
    public RealEtcd args(String... args) {
        extraArgs.addAll(java.util.List.of(args));
        return this;
    }

    /**
     * Turns etcd's authentication on with a {@code root} user (password {@code rootPassword}) and a user
     * {@code user}/{@code password} that may read everything; this helper's later calls authenticate as root.
     */
    public void enableAuth(String rootPassword, String user, String password) throws IOException, InterruptedException {
        must("/v3/auth/user/add", "{\"name\":\"root\",\"password\":\"" + rootPassword + "\"}");
        must("/v3/auth/role/add", "{\"name\":\"root\"}");
        must("/v3/auth/user/grant", "{\"user\":\"root\",\"role\":\"root\"}");
        must("/v3/auth/user/add", "{\"name\":\"" + user + "\",\"password\":\"" + password + "\"}");
        must("/v3/auth/role/add", "{\"name\":\"reader\"}");
        must("/v3/auth/role/grant", "{\"name\":\"reader\",\"perm\":{\"permType\":\"READ\",\"key\":\"" + b64("\0")
                + "\",\"range_end\":\"" + b64("\0") + "\"}}");
        must("/v3/auth/user/grant", "{\"user\":\"" + user + "\",\"role\":\"reader\"}");
        must("/v3/auth/enable", "{}");
        this.rootPassword = rootPassword;
        token = null;
    }

    /** Makes every token etcd handed out invalid (authentication off and on again; the users stay). */
    public void revokeTokens() throws IOException, InterruptedException {
        must("/v3/auth/disable", "{}");
        token = null;
        must("/v3/auth/enable", "{}");
    }

    /** The HTTP status etcd answers a read with {@code someToken} as its Authorization (401 once it expired). */
    public int statusWithToken(String someToken) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/v3/kv/range")).timeout(Duration.ofSeconds(5))
                .header("Authorization", someToken).POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"" + b64("/") + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private void must(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = call(path, body);
        if (r.statusCode() != 200) {
            throw new AssertionError(path + ": " + r.statusCode() + " " + r.body());
        }
    }

    /** Starts etcd (again, on the same ports and data after a {@link #stop}) and waits until it answers. */
    public RealEtcd start() throws IOException, InterruptedException {
        for (int attempt = 0; attempt < 5; attempt++) {
            if (clientPort == 0 || attempt > 0) {
                clientPort = ExternalPrograms.freePort();
                peerPort = ExternalPrograms.freePort();
            }
            String scheme = serverCert == null ? "http" : "https";
            String client = scheme + "://127.0.0.1:" + clientPort;
            String peer = "http://127.0.0.1:" + peerPort;
            java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("/usr/bin/etcd", "--name", "t",
                    "--data-dir", dataDir.toString(), "--listen-client-urls", client, "--advertise-client-urls", endpoint(),
                    "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", "t=" + peer,
                    "--listen-metrics-urls", ""));
            if (serverCert != null) {
                command.addAll(java.util.List.of("--cert-file", serverCert.toString(), "--key-file", serverKey.toString(),
                        "--client-cert-auth", "--trusted-ca-file", clientAuthorities.toString()));
            }
            command.addAll(extraArgs);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            Process started = process;
            ExternalPrograms.poll(() -> !started.isAlive() || answers(), java.time.Duration.ofSeconds(30));
            if (process.isAlive() && answers()) {
                return this;
            }
            process.destroyForcibly().waitFor();
            if (Files.readString(log).contains("address already in use") && !Files.exists(dataDir.resolve("member"))) {
                continue;
            }
            break;
        }
        throw new AssertionError("etcd did not start; its log:\n" + Files.readString(log));
    }

    /** Stops etcd (SIGTERM) and waits for it to exit; its data stays for the next {@link #start}. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private boolean answers() {
        try {
            return call("/v3/kv/range", "{\"key\":\"" + b64("/") + "\"}").statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public void put(String key, String value) throws IOException, InterruptedException {
        HttpResponse<String> r = call("/v3/kv/put", "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64(value) + "\"}");
        if (r.statusCode() != 200) {
            throw new AssertionError("put " + key + ": " + r.statusCode() + " " + r.body());
        }
    }

    public void delete(String key) throws IOException, InterruptedException {
        HttpResponse<String> r = call("/v3/kv/deleterange", "{\"key\":\"" + b64(key) + "\"}");
        if (r.statusCode() != 200) {
            throw new AssertionError("delete " + key + ": " + r.statusCode() + " " + r.body());
        }
    }

    private HttpResponse<String> call(String path, String body) throws IOException, InterruptedException {
        if (rootPassword != null) {
            HttpResponse<String> r = send(path, body);
            if (r.statusCode() != 401 && token != null) {
                return r;
            }
            HttpResponse<String> auth = send("/v3/auth/authenticate",
                    "{\"name\":\"root\",\"password\":\"" + rootPassword + "\"}");
            String t = auth.body().replaceAll("(?s).*\"token\":\"([^\"]+)\".*", "$1");
            token = auth.statusCode() == 200 ? t : null;
        }
        return send(path, body);
    }

    private HttpResponse<String> send(String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint() + path)).timeout(Duration.ofSeconds(5));
        if (token != null && !path.equals("/v3/auth/authenticate")) {
            b.header("Authorization", token);
        }
        return http.send(b.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Freezes etcd (SIGSTOP): its connections stay open and its port accepts, but nothing answers. */
    public void freeze() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** Lets a frozen etcd run on (SIGCONT). */
    public void thaw() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String which) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", which, String.valueOf(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill " + which + " failed");
        }
    }

    /** Compacts the history before {@code revision}. */
    public void compact(long revision) throws IOException, InterruptedException {
        HttpResponse<String> r = call("/v3/kv/compaction", "{\"revision\":\"" + revision + "\",\"physical\":true}");
        if (r.statusCode() != 200) {
            throw new AssertionError("compact: " + r.statusCode() + " " + r.body());
        }
    }

    /** The store's revision now. */
    public long revision() throws IOException, InterruptedException {
        String body = call("/v3/kv/range", "{\"key\":\"" + b64("/") + "\"}").body();
        return Long.parseLong(body.replaceAll("(?s).*\"revision\":\"(\\d+)\".*", "$1"));
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            try {
                thaw();
            } catch (IOException | AssertionError e) {
                // stopped below anyway
            }
            stop();
        }
    }
}
