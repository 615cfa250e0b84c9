package dev.rsp.core.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One selector thread. An iteration is a fixed sequence: select (bounded by the next sweep), dispatch the ready keys
 * through their attachments, run queued tasks (bounded), and every {@link #SWEEP_NANOS} sweep the tracked handlers
 * for timeouts. Nothing in an iteration may block; {@link #longestBusyNanos()} records the longest iteration
 * excluding the wait in select, so a test can prove that.
 *
 * <p>Everything registered with this loop is touched only by its thread; other threads talk to it through
 * {@link #execute}.
 */
public final class EventLoop {

    private static final Logger log = LoggerFactory.getLogger(EventLoop.class);

    public static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    static final int MAX_TASKS_PER_ITERATION = 4096;

    private final String name;
    private final Selector selector;
    private final BufferPool buffers;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final List<LoopHandler> tracked = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long longestBusyNanos;
    private volatile long iterations;
    private long nextSweep;

    public EventLoop(String name, BufferPool buffers) {
        this.name = name;
        this.buffers = buffers;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for " + name, e);
        }
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public String name() {
        return name;
    }

    public Selector selector() {
        return selector;
    }

    public BufferPool buffers() {
        return buffers;
    }

    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Runs {@code task} on the loop thread soon. Safe from any thread. */
    public void execute(Runnable task) {
        tasks.add(task);
        if (!inLoop() && wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /** Adds a handler to the timeout sweep. Loop thread only. */
    public void track(LoopHandler h) {
        tracked.add(h);
    }

    /** Removes a handler from the timeout sweep. Loop thread only. */
    public void untrack(LoopHandler h) {
        // Swap-remove keeps this O(n) scan cheap and allocation-free; order does not matter for sweeps.
        for (int i = tracked.size() - 1; i >= 0; i--) {
            if (tracked.get(i) == h) {
                int last = tracked.size() - 1;
                tracked.set(i, tracked.get(last));
                tracked.remove(last);
                return;
            }
        }
    }

    /** Handlers currently tracked (connections on this loop). Loop thread, or approximate from others. */
    public int trackedCount() {
        return tracked.size();
    }

    /** The longest time one iteration spent outside select, in nanoseconds. */
    public long longestBusyNanos() {
        return longestBusyNanos;
    }

    public long iterations() {
        return iterations;
    }

    /** Asks the loop to end after its current iteration and waits up to {@code timeout} for it. */
    public boolean stop(long timeout, TimeUnit unit) throws InterruptedException {
        running = false;
        selector.wakeup();
        return inLoop() || stopped.await(timeout, unit);
    }

    private void run() {
        nextSweep = System.nanoTime() + SWEEP_NANOS;
        try {
            while (running) {
                long waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextSweep - System.nanoTime()));
                selector.select(waitMillis);
                long busyStart = System.nanoTime();
                wakeupPending.set(false);
                dispatch(selector.selectedKeys());
                runTasks();
                long now = System.nanoTime();
                if (now - nextSweep >= 0) {
                    sweep(now);
                    nextSweep = now + SWEEP_NANOS;
                }
                long busy = System.nanoTime() - busyStart;
                if (busy > longestBusyNanos) {
                    longestBusyNanos = busy;
                }
                iterations++;
            }
        } catch (ClosedSelectorException e) {
            // stopped from outside
        } catch (IOException e) {
            log.error("{}: selector failed, loop ends: {}", name, e.toString());
        } finally {
            runTasks();
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
            stopped.countDown();
        }
    }

    private void dispatch(Set<SelectionKey> keys) {
        Iterator<SelectionKey> it = keys.iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            LoopHandler h = (LoopHandler) key.attachment();
            if (!key.isValid()) {
                continue;
            }
            try {
                h.onReady(key);
            } catch (Throwable t) {
                fail(h, t);
            }
        }
    }

    /**
     * Runs the handler of {@code key} now, as for readiness the selector reported: for input the selector cannot see
     * (TLS records already buffered below an endpoint's window). Failures are handled as in a normal dispatch (logged,
     * the handler closed). Loop thread only.
     */
    public void redispatch(SelectionKey key) {
        if (!key.isValid()) {
            return;
        }
        LoopHandler h = (LoopHandler) key.attachment();
        try {
            h.onReady(key);
        } catch (Throwable t) {
            fail(h, t);
        }
    }

    private void runTasks() {
        for (int i = 0; i < MAX_TASKS_PER_ITERATION; i++) {
            Runnable r = tasks.poll();
            if (r == null) {
                return;
            }
            try {
                r.run();
            } catch (Throwable t) {
                log.error("{}: task failed: {}", name, t.toString(), t);
            }
        }
    }

    private void sweep(long now) {
        for (int i = tracked.size() - 1; i >= 0; i--) {
            if (i >= tracked.size()) {
                continue;
            }
            LoopHandler h = tracked.get(i);
            try {
                h.onSweep(now);
            } catch (Throwable t) {
                fail(h, t);
            }
        }
    }

    private void fail(LoopHandler h, Throwable t) {
        log.error("{}: handler {} failed; closing it: {}", name, h, t.toString(), t);
        try {
            h.onFailure(t);
        } catch (Throwable again) {
            log.error("{}: handler {} failed while closing: {}", name, h, again.toString());
        }
    }
}
