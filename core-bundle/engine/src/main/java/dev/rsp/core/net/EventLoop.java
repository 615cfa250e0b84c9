package dev.rsp.core.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One selector thread. An iteration is a fixed sequence: select (waiting at most until the earliest armed
 * {@link Deadline}, not at all while tasks wait), dispatch the ready keys through their attachments, run the tasks
 * queued so far (bounded), and fire the deadlines that are due. Nothing in an iteration may block;
 * {@link #longestBusyNanos()} records the longest iteration excluding the wait in select, so a test can prove that.
 *
 * <p>Everything registered with this loop is touched only by its thread; other threads talk to it through
 * {@link #execute}.
 *
 * <p>Closing: a channel closed while its key is still registered makes the JDK read SO_LINGER and shut its output
 * first, and close the descriptor only when a later select deregisters the key: two system calls more per
 * connection. {@link #closeDeregistered} avoids them: the key is cancelled at once, the next select (made at once, not
 * waiting) deregisters it, and then the channel closes with a plain close.
 */
public final class EventLoop {

    private static final Logger log = LoggerFactory.getLogger(EventLoop.class);

    static final int MAX_TASKS_PER_ITERATION = 4096;

    private final String name;
    private final Selector selector;
    private final BufferPool buffers;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final DeadlineQueue deadlines = new DeadlineQueue();
    /** Channels whose keys were cancelled, to close once the next select has deregistered them. */
    private final ArrayList<SelectableChannel> closing = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long longestBusyNanos;
    private volatile long iterations;

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

    /**
     * Closes {@code channel}, whose key on this selector the caller has just cancelled, right after the next select has
     * deregistered the key (see the class comment); at once when the loop is not running. Loop thread only.
     */
    public void closeDeregistered(SelectableChannel channel) {
        if (running) {
            closing.add(channel);
        } else {
            closeQuietly(channel);
        }
    }

    private void closeAll(ArrayList<SelectableChannel> channels) {
        for (int i = 0; i < channels.size(); i++) {
            closeQuietly(channels.get(i));
        }
        channels.clear();
    }

    private static void closeQuietly(SelectableChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to do with a failed close
        }
    }

    /** Arms {@code d} for {@code atNanos}, or moves it there. Loop thread only. */
    public void arm(Deadline d, long atNanos) {
        deadlines.arm(d, atNanos);
    }

    /** Arms {@code d} for {@code atNanos} unless it is armed for an earlier time already. Loop thread only. */
    public void armNoLaterThan(Deadline d, long atNanos) {
        if (!d.armed() || atNanos - d.at < 0) {
            deadlines.arm(d, atNanos);
        }
    }

    public void disarm(Deadline d) {
        deadlines.disarm(d);
    }

    /** Deadlines armed on this loop (about one per connection that waits for something). Loop thread only. */
    public int armedDeadlines() {
        return deadlines.size();
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
        try {
            while (running) {
                Deadline next = deadlines.peek();
                if (!tasks.isEmpty() || !closing.isEmpty()) {
                    // Tasks queued in the last iteration, from the loop itself (no wakeup announces them), or channels
                    // that close once this select has deregistered their keys.
                    selector.selectNow();
                } else if (next == null) {
                    selector.select();
                } else {
                    long waitNanos = next.at - System.nanoTime();
                    if (waitNanos <= 0) {
                        selector.selectNow();
                    } else {
                        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos + 999_999)));
                    }
                }
                long busyStart = System.nanoTime();
                wakeupPending.set(false);
                if (!closing.isEmpty()) {
                    closeAll(closing);
                }
                dispatch(selector.selectedKeys());
                runTasks();
                fireDeadlines(System.nanoTime());
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
            closeAll(closing);
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

    /**
     * Runs the tasks queued before it began (at most {@link #MAX_TASKS_PER_ITERATION}); those they queue wait for the
     * next iteration, after its ready keys, so a task that queues itself again cannot hold the loop.
     */
    private void runTasks() {
        int queued = Math.min(tasks.size(), MAX_TASKS_PER_ITERATION);
        for (int i = 0; i < queued; i++) {
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

    /**
     * Fires the deadlines due at {@code now}; one that is armed again while firing waits for its new time. The pass
     * is bounded by the deadlines queued when it began, so a handler that re-arms for a time already past costs loop
     * turns, never the loop.
     */
    private void fireDeadlines(long now) {
        Deadline d;
        for (int budget = deadlines.size(); budget > 0 && (d = deadlines.pollDue(now)) != null; budget--) {
            try {
                d.owner.onDeadline(now);
            } catch (Throwable t) {
                fail(d.owner, t);
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
