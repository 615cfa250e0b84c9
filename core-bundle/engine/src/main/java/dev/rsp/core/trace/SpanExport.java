package dev.rsp.core.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Spans on their way to the collector: a bounded queue that the loops offer finished spans to, and one exporter thread
 * ({@code rsp-trace-export}) that sends them in batches ({@link OtlpSender}). The loops never wait: {@link #offer} is a
 * lock-free add to a {@link ConcurrentLinkedQueue} under an atomic count; when {@code tracing.otlp.queue.spans} are
 * waiting, the span is dropped and counted. The thread sends a batch as soon as {@code tracing.otlp.batch.spans} are
 * waiting (the loop that fills it wakes the thread), else every {@code tracing.otlp.interval.ms}. Settings are read
 * when used, so a change of endpoint, batch or interval applies to the next batch. The thread starts with the first
 * span (so an rsp that exports nothing has no thread) and ends at {@link #close}.
 */
public final class SpanExport {

    /** Where the outcomes are counted (the engine's counters). Any thread. */
    public interface Counts {
        void exported(int spans);

        /** Spans lost: the queue was full, export was switched off meanwhile, or rsp stopped. */
        void dropped(int spans);

        /** A batch given up after its tries (its spans are lost, and counted here, not as dropped). */
        void failed(int spans);

        /** A batch sent again. */
        void retried();
    }

    private final Supplier<TraceSettings> settings;
    private final Counts counts;
    private final ConcurrentLinkedQueue<Span> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger state = new AtomicInteger(NEW);
    private static final int NEW = 0;
    private static final int RUNNING = 1;
    private static final int CLOSED = 2;
    private volatile Thread thread;
    private final OtlpSender sender;

    public SpanExport(Supplier<TraceSettings> settings, Counts counts) {
        this.settings = settings;
        this.counts = counts;
        this.sender = new OtlpSender(counts, () -> state.get() == CLOSED);
    }

    /**
     * A finished span to export. Any thread (the loops); never blocks: dropped (and counted) when the queue is full or
     * the export closed. The first span starts the exporter thread.
     */
    public void offer(Span span) {
        TraceSettings t = settings.get();
        if (state.get() == CLOSED) {
            counts.dropped(1);
            return;
        }
        if (queued.incrementAndGet() > t.queueSpans()) {
            queued.decrementAndGet();
            counts.dropped(1);
            return;
        }
        queue.add(span);
        if (state.get() == NEW && state.compareAndSet(NEW, RUNNING)) {
            Thread th = new Thread(this::run, "rsp-trace-export");
            th.setDaemon(true);
            thread = th;
            th.start();
        } else if (queued.get() >= t.batchSpans()) {
            Thread th = thread;
            if (th != null) {
                LockSupport.unpark(th);
            }
        }
    }

    /** Spans waiting for export now. */
    public int queued() {
        return queued.get();
    }

    private void run() {
        List<Span> batch = new ArrayList<>();
        while (state.get() != CLOSED) {
            TraceSettings t = settings.get();
            if (queued.get() < t.batchSpans()) {
                LockSupport.parkNanos(this, t.intervalNanos());
            }
            do {
                sendBatch(settings.get(), batch);
            } while (state.get() != CLOSED && queued.get() >= settings.get().batchSpans());
        }
        // closing: what is queued gets one try per batch
        while (queued.get() > 0) {
            sendBatch(settings.get(), batch);
        }
    }

    private void sendBatch(TraceSettings t, List<Span> batch) {
        batch.clear();
        Span s;
        while (batch.size() < t.batchSpans() && (s = queue.poll()) != null) {
            queued.decrementAndGet();
            batch.add(s);
        }
        if (batch.isEmpty()) {
            return;
        }
        if (!t.exports()) {
            counts.dropped(batch.size());
            return;
        }
        sender.send(t, batch);
    }

    /**
     * Stops the export: what is queued is sent once more (one try per batch), waiting at most {@code waitMillis};
     * whatever is left then is dropped. Call it off the loops.
     */
    public void close(long waitMillis) {
        if (state.getAndSet(CLOSED) == NEW) {
            return;
        }
        Thread th = thread;
        if (th != null) {
            LockSupport.unpark(th);
            try {
                th.join(waitMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (th.isAlive()) {
                th.interrupt();
            }
        }
        int left = 0;
        while (queue.poll() != null) {
            left++;
        }
        if (left > 0) {
            queued.addAndGet(-left);
            counts.dropped(left);
        }
    }

    static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
