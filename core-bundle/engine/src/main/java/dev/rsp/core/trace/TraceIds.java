package dev.rsp.core.trace;

import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * Trace and span ids for one event loop. A {@link SplittableRandom} seeded once, when the loop is made, from the
 * platform's default {@link SecureRandom} (on Linux /dev/urandom: it does not block; {@code getInstanceStrong} could,
 * and is never used). Ids need to be unique, not secret: the W3C specification asks for randomness so that ids do not
 * collide across the systems of a trace, and leaves unpredictability to whoever needs it. A 64-bit state seeded at
 * random per loop (and per rsp instance) keeps collisions as unlikely as the specification's own guidance; drawing an
 * id is a few arithmetic operations and never a system call. Never zero (an all-zero id is invalid). Loop thread only.
 */
public final class TraceIds {

    private final SplittableRandom random;

    /** Seeded from the default SecureRandom: call it off the loops (once per loop). */
    public TraceIds() {
        this(new SecureRandom().nextLong());
    }

    /** A fixed seed, for tests. */
    public TraceIds(long seed) {
        random = new SplittableRandom(seed);
    }

    /** A random id that is not 0: a span id, or one half of a trace id. */
    public long next() {
        long id;
        do {
            id = random.nextLong();
        } while (id == 0);
        return id;
    }

    /** Whether a trace started now is sampled, at {@code percent} (0 to 100). */
    public boolean sample(double percent) {
        return percent >= 100 || random.nextDouble() * 100 < percent;
    }
}
