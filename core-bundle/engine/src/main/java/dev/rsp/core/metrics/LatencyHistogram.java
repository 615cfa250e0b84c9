package dev.rsp.core.metrics;

/**
 * A fixed log-scale latency histogram layout: {@link #BUCKETS} buckets over microseconds, two per power of two
 * ({@code [2^k, 1.5*2^k)} and {@code [1.5*2^k, 2^(k+1))}), the first four one microsecond wide. Bucket 63 ends at
 * 2^32 µs (about 71 minutes) and takes every longer value too. The relative width of a bucket is at most 50%, so a
 * quantile read from it is within about 25% of the true value. The counts live in plain {@code long[]}s owned by
 * whoever records (an event loop); this class only computes indexes, bounds and quantiles, and allocates nothing.
 */
public final class LatencyHistogram {

    public static final int BUCKETS = 64;

    private LatencyHistogram() {
    }

    /** The bucket of a duration in microseconds; negative durations count as 0. */
    public static int index(long micros) {
        if (micros < 4) {
            return micros < 0 ? 0 : (int) micros;
        }
        int octave = 63 - Long.numberOfLeadingZeros(micros);
        int i = 2 * octave + (int) ((micros >>> (octave - 1)) & 1);
        return Math.min(i, BUCKETS - 1);
    }

    /** The exclusive upper bound of bucket {@code i} in microseconds (bucket 63: 2^32, though it takes more). */
    public static long upperMicros(int i) {
        if (i < 4) {
            return i + 1;
        }
        int octave = i / 2;
        return (1L << octave) + ((long) (i % 2 + 1) << (octave - 1));
    }

    /** The inclusive lower bound of bucket {@code i} in microseconds. */
    public static long lowerMicros(int i) {
        return i == 0 ? 0 : upperMicros(i - 1);
    }

    /** Sum of all counts. */
    public static long total(long[] counts) {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    /**
     * The {@code q}-quantile (0 to 1) in microseconds, interpolated linearly inside its bucket; NaN when empty.
     */
    public static double quantileMicros(long[] counts, double q) {
        long n = total(counts);
        if (n == 0) {
            return Double.NaN;
        }
        double rank = q * n;
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            long c = counts[i];
            if (c > 0 && seen + c >= rank) {
                double within = c == 0 ? 0 : (rank - seen) / c;
                long lo = lowerMicros(i);
                return lo + Math.max(0, Math.min(1, within)) * (upperMicros(i) - lo);
            }
            seen += c;
        }
        return upperMicros(counts.length - 1);
    }
}
