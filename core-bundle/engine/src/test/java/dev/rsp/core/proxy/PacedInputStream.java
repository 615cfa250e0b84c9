package dev.rsp.core.proxy;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads at most {@link #PIECE} bytes per call and holds the stream to a byte rate against a schedule: after {@code n}
 * bytes it parks until {@code start + n / rate}. This shapes load (a slow reader); it synchronizes nothing.
 */
final class PacedInputStream extends FilterInputStream {

    static final int PIECE = 64 * 1024;

    private final double nanosPerByte;
    private long start;
    private long total;

    PacedInputStream(InputStream in, long bytesPerSecond) {
        super(in);
        this.nanosPerByte = 1e9 / bytesPerSecond;
        this.start = System.nanoTime();
    }

    /** Starts the schedule now (after a stall, so the reader does not catch up at full speed). */
    PacedInputStream restartSchedule() {
        start = System.nanoTime();
        total = 0;
        return this;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            paceAfter(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, Math.min(len, PIECE));
        if (n > 0) {
            paceAfter(n);
        }
        return n;
    }

    private void paceAfter(int n) {
        total += n;
        long due = start + (long) (total * nanosPerByte);
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
    }
}
