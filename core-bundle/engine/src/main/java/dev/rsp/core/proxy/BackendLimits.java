package dev.rsp.core.proxy;

import dev.rsp.core.CoreConfig;
import dev.rsp.spi.routing.Backend;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What limits the load rsp puts on its backends, from {@code rsp.core}: the retry budget ({@link RetryBudget}) and the
 * per-backend concurrency limit with its queue ({@link BackendSlots}).
 *
 * @param retryPercent      retries may add this percentage of the requests of the budget's window
 * @param retryMinPerSecond retries per second allowed whatever {@code retryPercent} says
 * @param maxConnections    requests in flight to one backend without {@code ;maxconn}; 0: no limit
 * @param queueSize         requests that may wait for one backend at its limit
 * @param queueTimeoutNanos how long one may wait
 */
record BackendLimits(int retryPercent, int retryMinPerSecond, int maxConnections, int queueSize, long queueTimeoutNanos) {

    static final int MAX_RETRY_PERCENT = 1000;

    /** Validates the keys of {@code c}; problems are added to {@code errors} (then the result is not used). */
    static BackendLimits from(CoreConfig c, List<String> errors) {
        check(c.backend_retry_budget_percent() >= 0 && c.backend_retry_budget_percent() <= MAX_RETRY_PERCENT,
                "backend.retry.budget.percent must be 0 to " + MAX_RETRY_PERCENT + ", not " + c.backend_retry_budget_percent(),
                errors);
        check(c.backend_retry_budget_min_per_second() >= 0,
                "backend.retry.budget.min.per.second must not be negative, not " + c.backend_retry_budget_min_per_second(),
                errors);
        check(c.backend_maxconn() >= 0, "backend.maxconn must be 0 (no limit) or more, not " + c.backend_maxconn(), errors);
        check(c.backend_queue_size() >= 0, "backend.queue.size must not be negative, not " + c.backend_queue_size(), errors);
        check(c.backend_queue_timeout_ms() > 0, "backend.queue.timeout.ms must be positive, not " + c.backend_queue_timeout_ms(),
                errors);
        return new BackendLimits(c.backend_retry_budget_percent(), c.backend_retry_budget_min_per_second(), c.backend_maxconn(),
                c.backend_queue_size(), TimeUnit.MILLISECONDS.toNanos(c.backend_queue_timeout_ms()));
    }

    /** The concurrency limit of {@code b}: its {@code ;maxconn}, else {@code backend.maxconn}; 0 for none. */
    int limitOf(Backend b) {
        return b.maxConnections() > 0 ? b.maxConnections() : maxConnections;
    }

    private static void check(boolean ok, String message, List<String> errors) {
        if (!ok) {
            errors.add(message);
        }
    }
}
