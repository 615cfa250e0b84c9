package dev.rsp.routing.hosthash;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The quality bar of {@link QualityMeasure} in every build, on 2,000,000 names (the first of the long form's, same
 * seed) for N = 10 and 100: at least 20,000 names per backend, so sampling noise (about 1/sqrt(20,000) = 0.7% of the
 * mean load, 0.7% of the moved share) stays far below the 5% and 10% margins and the assertions mean what the issue's
 * do. N = 1000 needs the 10,000,000 names for the same margin, and 3 x 10^10 rank computations: it runs in
 * {@link HostHashQualityLongTest}.
 */
class HostHashQualityTest {

    static final int NAMES = 2_000_000;

    private static long[] hashes;

    @BeforeAll
    static void hashNames() {
        hashes = RandomHosts.hostHashes(NAMES, QualityMeasure.SEED);
    }

    @Test
    void tenBackends() {
        QualityMeasure.measure(10, hashes);
    }

    @Test
    void hundredBackends() {
        QualityMeasure.measure(100, hashes);
    }
}
