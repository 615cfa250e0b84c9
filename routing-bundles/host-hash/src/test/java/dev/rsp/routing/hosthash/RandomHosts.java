package dev.rsp.routing.hosthash;

import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Fixed-seed test data: random host names and backend sets. */
final class RandomHosts {

    private static final char[] LABEL = "abcdefghijklmnopqrstuvwxyz0123456789-".toCharArray();
    private static final String[] SUFFIXES = {".com", ".net", ".org", ".example.com", ".co.uk", ".de", ".io"};

    private RandomHosts() {
    }

    /** {@code count} random canonical host names (a 3-20 char label and a suffix) from {@code seed}. */
    static String[] names(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String[] out = new String[count];
        char[] buf = new char[20];
        for (int i = 0; i < count; i++) {
            int len = 3 + random.nextInt(18);
            for (int j = 0; j < len; j++) {
                buf[j] = LABEL[random.nextInt(j == 0 || j == len - 1 ? 36 : LABEL.length)];
            }
            out[i] = new String(buf, 0, len) + SUFFIXES[random.nextInt(SUFFIXES.length)];
        }
        return out;
    }

    /** The host hashes of {@code count} random names from {@code seed}. */
    static long[] hostHashes(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] out = new long[count];
        char[] buf = new char[20];
        for (int i = 0; i < count; i++) {
            int len = 3 + random.nextInt(18);
            for (int j = 0; j < len; j++) {
                buf[j] = LABEL[random.nextInt(j == 0 || j == len - 1 ? 36 : LABEL.length)];
            }
            out[i] = NameHash.host(new String(buf, 0, len) + SUFFIXES[random.nextInt(SUFFIXES.length)]);
        }
        return out;
    }

    /** Backends {@code b0000 .. b<n-1>} of weight 1 on consecutive ports. */
    static Backends equalWeights(int n) {
        List<Backend> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(backend(i, 1));
        }
        return new Backends(1, list);
    }

    static Backend backend(int i, int weight) {
        return new Backend(String.format("b%04d", i), "10.0." + (i / 250) + "." + (i % 250 + 1), 8080, weight);
    }
}
