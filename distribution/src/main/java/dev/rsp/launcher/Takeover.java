package dev.rsp.launcher;

import java.io.File;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What a started rsp does once it is ready, on a thread of its own: it writes {@code data/rsp.pid}, and when it
 * replaces another rsp of the same home ({@code bin/rsp upgrade}, {@code bin/rsp --take-over}) it then stops that one
 * with SIGTERM (the graceful stop: no new connections, requests in flight finish) and waits until it is gone. The rsp
 * replaced may run from another home, the previous release's ({@code bin/rsp upgrade --from DIR}).
 *
 * <p>Ready means: the start phase is over without a start failure ({@link Lifecycle#START_PHASE_MS} after the
 * configuration watcher started; a failure within it stops this rsp, and the old one must still be running then), and
 * every component reporting readiness is ready (the core: accepting, every strategy of {@code routing.chain} live,
 * at least one backend). A replacing rsp that is not ready within {@link #READY_TIMEOUT_MS} stops itself with exit status
 * 1 and leaves the old one running.
 */
final class Takeover {

    static final long READY_TIMEOUT_MS = Long.getLong("rsp.ready.timeout.ms", 60_000L);
    static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final File home;
    private final Lifecycle lifecycle;
    /** The rsp being replaced, or -1; and its home (this one, or the previous release's). */
    private final long old;
    private final File oldHome;
    private final FelixLauncher launcher;

    Takeover(File home, Lifecycle lifecycle, long old, File oldHome, FelixLauncher launcher) {
        this.home = home;
        this.lifecycle = lifecycle;
        this.old = old;
        this.oldHome = oldHome;
        this.launcher = launcher;
    }

    void start() {
        Thread t = new Thread(this::run, "rsp-ready");
        t.setDaemon(true);
        t.start();
    }

    private void run() {
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
        String why = "the start phase is not over";
        while (!launcher.stopping()) {
            if (!lifecycle.inStartPhase()) {
                why = lifecycle.notReady();
                if (why.isEmpty()) {
                    break;
                }
            }
            if (System.nanoTime() - deadline > 0) {
                if (old > 0) {
                    System.err.println("rsp: not ready after " + READY_TIMEOUT_MS + " ms (" + why + "); the rsp with pid "
                            + old + " keeps running");
                    launcher.fail("not ready");
                } else {
                    System.err.println("rsp: not ready after " + READY_TIMEOUT_MS + " ms: " + why);
                }
                return;
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        if (launcher.stopping()) {
            return;
        }
        long pid = RunFiles.ownPid();
        try {
            RunFiles.writePid(home, pid);
        } catch (IOException e) {
            System.err.println("rsp: " + e.getMessage());
        }
        System.out.println("rsp: ready (pid " + pid + ") in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
        if (old > 0) {
            stopOld();
        }
    }

    /** SIGTERM to the old rsp, then waits for it as long as its stop may take (the watchdog's bound) plus a margin. */
    private void stopOld() {
        System.out.println("rsp: stopping the rsp it replaces (pid " + old + ")");
        long t0 = System.nanoTime();
        try {
            Process kill = new ProcessBuilder("kill", "-TERM", String.valueOf(old)).redirectErrorStream(true).start();
            kill.getInputStream().close();
            kill.waitFor();
        } catch (IOException e) {
            System.err.println("rsp: cannot stop pid " + old + ": " + e.getMessage());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        long waitMs = lifecycle.drainTimeoutMs() + FelixLauncher.STOP_TIMEOUT_MS + 5_000;
        long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(waitMs);
        while (RunFiles.isRsp(old, oldHome)) {
            if (System.nanoTime() - deadline > 0) {
                System.err.println("rsp: the rsp with pid " + old + " did not stop within " + waitMs + " ms");
                return;
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        System.out.println("rsp: took over from pid " + old + " (it stopped in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms)");
    }
}
