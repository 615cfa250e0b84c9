package dev.rsp.core.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's dnsmasq ({@code dnsmasq-base}) as a DNS server of the test's own, on a free loopback port: its names come
 * (authoritative for {@code rsp.test}: other names there are NXDOMAIN) from a hosts file the test rewrites ({@link #hosts}, re-read on SIGHUP) with TTL {@code --local-ttl}, its SRV
 * records from {@code --srv-host} arguments. Absent: the test fails under CI (the CI script installs it) and is
 * skipped elsewhere.
 */
public final class Dnsmasq implements AutoCloseable {

    private final Process process;
    private final Path hostsFile;
    public final int port;
    final Path log;

    private Dnsmasq(Process process, Path hostsFile, int port, Path log) {
        this.process = process;
        this.hostsFile = hostsFile;
        this.port = port;
        this.log = log;
    }

    /** Starts dnsmasq serving {@code hosts} (hosts-file lines) with TTL {@code ttl} and {@code srvHosts} (--srv-host values). */
    public static Dnsmasq start(Path dir, String hosts, int ttl, String... srvHosts) throws Exception {
        String exe = executable();
        Path hostsFile = dir.resolve("dns-hosts");
        Files.writeString(hostsFile, hosts);
        Path log = dir.resolve("dnsmasq.log");
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port;
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                port = s.getLocalPort();
            }
            List<String> cmd = new ArrayList<>(List.of(exe, "--no-daemon", "--port=" + port,
                    "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts", "--no-negcache",
                    "--conf-file=/dev/null", "--local=/rsp.test/", "--addn-hosts=" + hostsFile, "--local-ttl=" + ttl, "--log-facility=-",
                    "--log-queries", "--user=" + System.getProperty("user.name")));
            for (String srv : srvHosts) {
                cmd.add("--srv-host=" + srv);
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Dnsmasq d = new Dnsmasq(p, hostsFile, port, log);
            if (d.awaitStarted()) {
                return d;
            }
            p.destroyForcibly();
            last = new IOException("dnsmasq did not start on port " + port + ": " + Files.readString(log));
        }
        throw last;
    }

    private boolean awaitStarted() {
        return ExternalPrograms.poll(() -> !process.isAlive() || count("read " + hostsFile) > 0, Duration.ofSeconds(10))
                && process.isAlive();
    }

    /** Replaces the hosts file and has dnsmasq read it again (SIGHUP); returns once it says it did. */
    public void hosts(String lines) throws Exception {
        int reads = count("read " + hostsFile);
        Files.writeString(hostsFile, lines);
        new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).inheritIO().start().waitFor();
        if (!ExternalPrograms.poll(() -> count("read " + hostsFile) > reads, Duration.ofSeconds(10))) {
            fail("dnsmasq did not read its hosts file again: " + Files.readString(log));
        }
    }

    /** Lines of dnsmasq's log containing {@code line}; 0 while the log cannot be read. */
    private int count(String line) {
        try {
            return (int) Files.readAllLines(log).stream().filter(l -> l.contains(line)).count();
        } catch (IOException e) {
            return 0;
        }
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String executable() {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin:/usr/local/sbin";
        for (String d : path.split(File.pathSeparator)) {
            File f = new File(d, "dnsmasq");
            if (!d.isEmpty() && f.canExecute()) {
                return f.getPath();
            }
        }
        String message = "dnsmasq is not installed (apt-get install dnsmasq-base)";
        if (System.getenv("CI") != null) {
            fail(message);
        }
        Assumptions.abort(message);
        return "dnsmasq";
    }
}
