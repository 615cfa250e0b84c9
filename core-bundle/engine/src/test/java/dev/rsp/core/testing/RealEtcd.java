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
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

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

    public String endpoint() {
        return "http://127.0.0.1:" + clientPort;
    }

    /** Starts etcd (again, on the same ports and data after a {@link #stop}) and waits until it answers. */
    public RealEtcd start() throws IOException, InterruptedException {
        for (int attempt = 0; attempt < 5; attempt++) {
            if (clientPort == 0 || attempt > 0) {
                clientPort = ExternalPrograms.freePort();
                peerPort = ExternalPrograms.freePort();
            }
            String client = "http://127.0.0.1:" + clientPort;
            String peer = "http://127.0.0.1:" + peerPort;
            process = new ProcessBuilder("/usr/bin/etcd", "--name", "t", "--data-dir", dataDir.toString(),
                    "--listen-client-urls", client, "--advertise-client-urls", client, "--listen-peer-urls", peer,
                    "--initial-advertise-peer-urls", peer, "--initial-cluster", "t=" + peer, "--listen-metrics-urls", "")
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
        return http.send(HttpRequest.newBuilder(URI.create(endpoint() + path)).timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
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
