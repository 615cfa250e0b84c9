package dev.rsp.core.net;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JVM's direct memory as rsp's buffer pools use it. The limit is {@code -XX:MaxDirectMemorySize} as given on the
 * command line (bin/rsp derives it from {@code limits.memory}), else the JDK's default, the maximum heap. The pools
 * reserve here every direct buffer they allocate and release what they drop; beyond {@link #CAP_PERCENT} of the limit
 * they hand out heap buffers instead ({@link BufferPool#acquire}): slower, but a loop never meets the JDK's "Direct
 * buffer memory" error, nor the JDK's stall before it (which calls System.gc and sleeps on the allocating thread).
 * One per JVM, as the limit is. Any thread.
 */
public final class DirectMemory {

    /** Share of the limit the pools may reserve; the rest is for the JDK's own direct buffers (socket I/O, TLS). */
    static final int CAP_PERCENT = 90;

    private static final long LIMIT = limit(ManagementFactory.getRuntimeMXBean().getInputArguments(),
            Runtime.getRuntime().maxMemory());
    private static final AtomicLong RESERVED = new AtomicLong();
    private static final AtomicLong FALLBACKS = new AtomicLong();
    /** The bytes the pools may reserve; a test may lower it ({@link #capAt}). */
    private static volatile long cap = LIMIT / 100 * CAP_PERCENT;

    private DirectMemory() {
    }

    /** The JVM's direct memory limit in bytes. */
    public static long limit() {
        return LIMIT;
    }

    /** Bytes of direct buffers the pools hold (in use or idle). */
    public static long reserved() {
        return RESERVED.get();
    }

    /** The limit as the JVM reads its arguments: the last {@code -XX:MaxDirectMemorySize}, else {@code maxHeap}. */
    static long limit(List<String> jvmArguments, long maxHeap) {
        long limit = 0;
        for (String a : jvmArguments) {
            if (a.startsWith("-XX:MaxDirectMemorySize=")) {
                limit = bytes(a.substring(a.indexOf('=') + 1).toLowerCase(Locale.ROOT));
            }
        }
        return limit > 0 ? limit : maxHeap;
    }

    /** HotSpot's size syntax: digits with an optional k, m, g or t; 0 when it is not one. */
    private static long bytes(String v) {
        int shift = v.isEmpty() ? 0 : switch (v.charAt(v.length() - 1)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
        };
        String digits = shift == 0 ? v : v.substring(0, v.length() - 1);
        try {
            return Long.parseLong(digits) << shift;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Heap buffers handed out because direct memory was at its cap, since the JVM started. */
    public static long fallbacks() {
        return FALLBACKS.get();
    }

    static void fellBack() {
        FALLBACKS.incrementAndGet();
    }

    /** Sets the cap (tests); returns the previous one. */
    static long capAt(long bytes) {
        long prev = cap;
        cap = bytes;
        return prev;
    }

    /** Reserves {@code bytes} for a new direct buffer; false when that would pass the cap. */
    static boolean reserve(long bytes) {
        while (true) {
            long r = RESERVED.get();
            if (r + bytes > cap) {
                return false;
            }
            if (RESERVED.compareAndSet(r, r + bytes)) {
                return true;
            }
        }
    }

    /** A direct buffer was dropped (left to the garbage collector). */
    static void release(long bytes) {
        RESERVED.addAndGet(-bytes);
    }
}
