package dev.rsp.tls;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The TLS bundle's tests wait for what other threads or processes do by polling a condition with a deadline, never by
 * sleeping a fixed time: a check every millisecond, and a failure naming what did not happen (and the state seen).
 */
public final class Poll {

    private Poll() {
    }

    /** Returns once {@code condition} holds; fails after {@code within} with {@code what} and {@code state}. */
    public static void until(String what, Duration within, BooleanSupplier condition, Supplier<String> state) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + ": not within " + within + "; " + state.get());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** {@link #until} with nothing more to say than {@code what}. */
    public static void until(String what, Duration within, BooleanSupplier condition) {
        until(what, within, condition, () -> "");
    }
}
