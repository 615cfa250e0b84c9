package dev.rsp.core.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;

/** Real peers started by tests (HAProxy, nginx, curl): finding them, and the ports they must be given. */
public final class ExternalPrograms {

    private ExternalPrograms() {
    }

    /** The program's path; absent: fails under CI (the CI script installs it), skips elsewhere. */
    public static String executable(String name, String install) {
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

    /**
     * A port free on loopback right now. For programs that cannot report a port they chose themselves (HAProxy,
     * nginx): a lost race fails the test with the program's log, never passes it.
     */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Waits until something accepts on loopback {@code port}; fails with {@code log} when {@code p} dies first. */
    public static void awaitListening(Process p, int port, Path log, long timeoutMs) throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                    fail("did not listen on " + port + ": " + Files.readString(log));
                }
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Polls {@code condition} every few milliseconds until it holds or {@code timeout} passes; returns whether it held.
     * The waits of the peers' helpers (a program's first answer, a file it read again) go through here.
     */
    public static boolean poll(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
        return true;
    }
}
