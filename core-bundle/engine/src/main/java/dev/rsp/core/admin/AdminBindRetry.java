package dev.rsp.core.admin;

import dev.rsp.core.LauncherLink;
import java.io.IOException;
import java.net.BindException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The admin listener of an rsp that takes over from another in the same home ({@code bin/rsp upgrade}): the admin
 * address is not shared (the JDK's server has no SO_REUSEPORT, and answers from two processes on one port would be
 * ambiguous), so the old rsp keeps answering on it while it drains, and this one binds it as soon as the old one is
 * gone, trying every {@link #INTERVAL_MS} ms on a daemon thread of its own.
 */
final class AdminBindRetry {

    /** Set by the launcher to the pid of the rsp being replaced. */
    static final String TAKEOVER_PROPERTY = LauncherLink.TAKEOVER_PROPERTY;
    static final long INTERVAL_MS = 100;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rsp-admin-bind");
        t.setDaemon(true);
        return t;
    });

    /** Whether a failed bind is the old rsp's admin listener still in place (this rsp replaces one, the address is in use). */
    static boolean applies(IOException e) {
        return System.getProperty(TAKEOVER_PROPERTY) != null && e instanceof BindException;
    }

    /** Calls {@code bound} every {@link #INTERVAL_MS} ms until it answers true (bound, or nothing more to do). */
    AdminBindRetry(BooleanSupplier bound) {
        timer.scheduleWithFixedDelay(() -> {
            if (bound.getAsBoolean()) {
                timer.shutdown();
            }
        }, INTERVAL_MS, INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    void cancel() {
        timer.shutdownNow();
    }
}
