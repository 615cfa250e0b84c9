package dev.rsp.distribution;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Polling with a deadline for the integration tests (JUnit 4 and 5 alike: failures are AssertionErrors): for a
 * condition, for log lines, and for a {@link LoadLoop} to reach a number of requests without a failure.
 */
final class Waits {

    static final long DEADLINE_SECONDS = 60;
    static final long POLL_MILLIS = 20;

    private Waits() {
    }

    /** Polls {@code condition} until it holds; fails after {@link #DEADLINE_SECONDS}. */
    static void until(String what, BooleanSupplier condition) {
        until(what, condition, null);
    }

    /** The same, adding the log file's content to the failure message. */
    static void until(String what, BooleanSupplier condition, Path log) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what + (log == null ? "" : "; log:\n" + read(log)));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
        }
    }

    /** Waits until {@code text} appears at least {@code times} times in the log. */
    static void logLine(Path log, String text, int times) {
        until("log line '" + text + "' x" + times, () -> count(log, text) >= times, log);
    }

    /** Waits until {@code load} has sent {@code n} requests; fails at once when any of them failed. */
    static void requests(LoadLoop load, long n) {
        until(n + " requests", () -> load.total() >= n || load.non2xx() + load.connectionErrors() > 0);
        if (load.non2xx() + load.connectionErrors() > 0) {
            throw new AssertionError("requests failed: " + load.failures());
        }
    }

    /** How many times {@code text} occurs in the log (0 when it cannot be read yet). */
    static int count(Path log, String text) {
        String s = read(log);
        int n = 0;
        for (int i = s.indexOf(text); i >= 0; i = s.indexOf(text, i + 1)) {
            n++;
        }
        return n;
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
