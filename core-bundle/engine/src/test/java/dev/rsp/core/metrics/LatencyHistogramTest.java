package dev.rsp.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void everyValueFallsInsideItsBucketsBounds() {
        SplittableRandom r = new SplittableRandom(42);
        for (int n = 0; n < 200_000; n++) {
            long v = n < 5000 ? n : r.nextLong(1L << (1 + r.nextInt(32)));
            int i = LatencyHistogram.index(v);
            assertTrue(LatencyHistogram.lowerMicros(i) <= v, v + " in " + i);
            assertTrue(i == LatencyHistogram.BUCKETS - 1 || v < LatencyHistogram.upperMicros(i), v + " in " + i);
        }
    }

    @Test
    void bucketsAreContiguousIncreasingAndAtMostHalfAsWideAsTheirStart() {
        assertEquals(0, LatencyHistogram.lowerMicros(0));
        for (int i = 1; i < LatencyHistogram.BUCKETS; i++) {
            assertEquals(LatencyHistogram.upperMicros(i - 1), LatencyHistogram.lowerMicros(i));
            assertTrue(LatencyHistogram.upperMicros(i) > LatencyHistogram.lowerMicros(i));
            if (i >= 4) {
                long lo = LatencyHistogram.lowerMicros(i);
                assertTrue(LatencyHistogram.upperMicros(i) - lo <= lo / 2, "bucket " + i);
            }
        }
        assertEquals(1L << 32, LatencyHistogram.upperMicros(63));
        assertEquals(63, LatencyHistogram.index(Long.MAX_VALUE));
        assertEquals(0, LatencyHistogram.index(-5));
        assertEquals(4, LatencyHistogram.index(4));
        assertEquals(5, LatencyHistogram.index(6));
        assertEquals(6, LatencyHistogram.index(8));
    }

    @Test
    void quantilesAreWithinTheBucketErrorOfTheExactOnes() {
        SplittableRandom r = new SplittableRandom(7);
        long[] values = new long[10_000];
        long[] counts = new long[LatencyHistogram.BUCKETS];
        for (int i = 0; i < values.length; i++) {
            values[i] = 100 + (long) (-Math.log(1 - r.nextDouble()) * 5_000);
            counts[LatencyHistogram.index(values[i])]++;
        }
        Arrays.sort(values);
        for (double q : new double[] {0.5, 0.9, 0.99}) {
            double exact = values[(int) Math.ceil(q * values.length) - 1];
            double est = LatencyHistogram.quantileMicros(counts, q);
            assertTrue(Math.abs(est - exact) <= 0.25 * exact, q + ": " + est + " vs " + exact);
        }
        assertTrue(Double.isNaN(LatencyHistogram.quantileMicros(new long[LatencyHistogram.BUCKETS], 0.5)));
    }
}
