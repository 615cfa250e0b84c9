package dev.rsp.routing.hosthash;

/**
 * The 64-bit hashes host-hash is built on: a hash of a string (a host or a backend name) and a mixer that turns
 * a (host hash, backend seed) pair into a rendezvous score.
 *
 * <p>The string hash reads the UTF-16 chars four at a time into 64-bit blocks and runs a multiply-rotate block
 * function of the murmur3 kind, then a murmur3-style avalanche finalizer. Every value it returns is part of the
 * routing contract: rsp instances must send a host to the same backend across versions, so any change here is an
 * incompatible change (the golden test in this module exists to catch one).
 *
 * <p>Pure functions, no state; safe on any thread.
 */
final class NameHash {

    /** Domain separation: a host and a backend with the same spelling get unrelated hashes. */
    static final long HOST_DOMAIN = 0x6a09e667f3bcc908L;
    static final long BACKEND_DOMAIN = 0xbb67ae8584caa73bL;

    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;

    private NameHash() {
    }

    /** The hash of a host as the strategy keys on it. */
    static long host(String host) {
        return hash(host, HOST_DOMAIN);
    }

    /** The seed of a backend, derived from its name only (never its address or weight). */
    static long backend(String name) {
        return hash(name, BACKEND_DOMAIN);
    }

    /** A 64-bit hash of the UTF-16 chars of {@code s}, seeded with {@code domain}. */
    static long hash(String s, long domain) {
        int n = s.length();
        long h = domain ^ (n * C2);
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            long block = s.charAt(i)
                    | (long) s.charAt(i + 1) << 16
                    | (long) s.charAt(i + 2) << 32
                    | (long) s.charAt(i + 3) << 48;
            h ^= scramble(block);
            h = Long.rotateLeft(h, 27) * 5 + 0x52dce729L;
        }
        long tail = 0;
        for (int shift = 0; i < n; i++, shift += 16) {
            tail |= (long) s.charAt(i) << shift;
        }
        h ^= scramble(tail);
        return avalanche(h ^ n);
    }

    /**
     * The rendezvous score of a host for a backend: a bijective avalanche of their combination, so scores of one
     * host for different backends behave like independent uniform draws.
     */
    static long score(long hostHash, long backendSeed) {
        return avalanche(hostHash ^ backendSeed);
    }

    private static long scramble(long block) {
        return Long.rotateLeft(block * C1, 31) * C2;
    }

    /** A murmur3-style finalizer: every input bit affects every output bit with probability about 1/2. */
    static long avalanche(long x) {
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        x *= 0xc4ceb9fe1a85ec53L;
        x ^= x >>> 33;
        return x;
    }
}
