package dev.rsp.routing.lua;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts what went wrong in script calls, by kind, and logs it at most once per {@link #LOG_INTERVAL_NANOS}: the
 * calls happen on loop threads, which must not log per request. Shared by the routers of one strategy, so counts
 * survive reloads.
 */
final class RuleErrors {

    /** What went wrong in a call. */
    enum Kind {
        /** a runtime error in the script (or its top level failed) */
        ERROR,
        /** the call ran out of instructions, bytes or call depth */
        BUDGET,
        /** route returned something that is not an answer */
        BAD_ANSWER,
        /** route named a backend that is not configured (not a failure: the core skips the name) */
        UNKNOWN_BACKEND
    }

    static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final Logger LOG = LoggerFactory.getLogger(RuleErrors.class);

    private final LongAdder[] counts = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};
    private final AtomicLong nextLog = new AtomicLong(System.nanoTime());
    private volatile String last;

    void record(Kind kind, String message) {
        counts[kind.ordinal()].increment();
        last = message;
        long now = System.nanoTime();
        long next = nextLog.get();
        if (now - next >= 0 && nextLog.compareAndSet(next, now + LOG_INTERVAL_NANOS)) {
            LOG.warn("lua: {} ({} errors, {} over budget, {} bad answers, {} unknown backends so far; failed calls go to the"
                    + " next strategy)", message, count(Kind.ERROR), count(Kind.BUDGET), count(Kind.BAD_ANSWER),
                    count(Kind.UNKNOWN_BACKEND));
        }
    }

    long count(Kind kind) {
        return counts[kind.ordinal()].sum();
    }

    /** The calls that failed (errors, budgets, bad answers); unknown backends are not failures. */
    long total() {
        return count(Kind.ERROR) + count(Kind.BUDGET) + count(Kind.BAD_ANSWER);
    }

    /** The message of the most recent failure, or {@code null}. */
    String last() {
        return last;
    }
}
