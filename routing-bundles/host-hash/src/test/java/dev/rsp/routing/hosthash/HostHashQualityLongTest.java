package dev.rsp.routing.hosthash;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The quality bar word for word: 10,000,000 random host names over N = 10, 100 and 1000 backends (90 to
 * 150 s on two cores, nearly all of it N = 1000). Tagged {@code long}: left out of {@code mvn verify}, run by the {@code long-tests} profile
 * (CI: {@code mvn -B verify -P long-tests -pl routing-bundles/host-hash -am}).
 */
@Tag("long")
class HostHashQualityLongTest {

    static final int NAMES = 10_000_000;

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

    @Test
    void thousandBackends() {
        QualityMeasure.measure(1000, hashes);
    }
}
