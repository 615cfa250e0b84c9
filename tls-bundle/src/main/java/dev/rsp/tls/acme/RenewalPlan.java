package dev.rsp.tls.acme;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;

/**
 * When to renew and when to retry. A certificate is renewed once {@code fraction} of its lifetime remains, minus a
 * jitter of up to a tenth of that window (drawn per certificate), so that instances and names sharing a CA do not all
 * renew at the same moment. Failed orders back off from {@code min}, doubling per consecutive failure, up to
 * {@code max}. Only the ACME component's threads use a plan (the random source is not shared with others).
 */
final class RenewalPlan {

    private final double fraction;
    private final Duration backoffMin;
    private final Duration backoffMax;
    private final Random random;

    RenewalPlan(double fraction, Duration backoffMin, Duration backoffMax, Random random) {
        this.fraction = fraction;
        this.backoffMin = backoffMin;
        this.backoffMax = backoffMax;
        this.random = random;
    }

    /** The moment to renew a certificate valid from {@code notBefore} to {@code notAfter}. */
    synchronized Instant renewAt(Instant notBefore, Instant notAfter) {
        long lifetime = Math.max(0, Duration.between(notBefore, notAfter).toMillis());
        long window = (long) (lifetime * fraction);
        long jitter = (long) (random.nextDouble() * window / 10);
        return notAfter.minusMillis(window + jitter);
    }

    /** The wait after the {@code failures}-th consecutive failure (1 for the first). */
    Duration backoff(int failures) {
        Duration d = backoffMin;
        for (int i = 1; i < failures && d.compareTo(backoffMax) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(backoffMax) > 0 ? backoffMax : d;
    }
}
