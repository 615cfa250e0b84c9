package dev.rsp.core.etcd;

import dev.rsp.core.proxy.Counter;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a copy of every key under the prefix: reads the prefix, then watches it from the read's revision + 1, and
 * hands the whole set on ({@link EtcdSnapshot}) when it changes.
 *
 * <ul>
 *   <li>A watch whose revision was compacted away is answered {@code canceled} with a {@code compact_revision}: the
 *       prefix is read again.</li>
 *   <li>A watch that brings no line (event or progress notification) for {@code watch.idle.timeout.ms} is taken as
 *       dead: it is closed and opened again from the last revision seen.</li>
 *   <li>A failed read or watch (unreachable, refused, cut, over a limit) is tried again on the next endpoint after an
 *       exponential backoff with jitter; meanwhile nothing is handed on, so what the consumers last got stays in
 *       force. Nothing is ever handed on because of an error.</li>
 *   <li>Changes are coalesced: at most one set goes out per {@code coalesce.ms}. A change after a quiet period (none
 *       handed on for {@code coalesce.ms}) goes out at once, so a lone change reaches the routing in milliseconds;
 *       what follows it within the window goes out in one piece at the window's end. The first complete read goes out
 *       at once.</li>
 *   <li>More than {@code limits.keys} keys: nothing is handed on until the prefix is back under the limit (read
 *       again every {@code backoff.max.ms}). A value over {@code limits.value.bytes} is left out and reported in
 *       {@link EtcdSnapshot#oversized()}.</li>
 * </ul>
 *
 * <p>Threads: its own two daemon threads, {@code rsp-etcd} (reads and watches, blocking) and {@code rsp-etcd-timer}
 * (the coalescing window, the idle watchdog and the consumer's calls); never a loop thread. The consumer is called
 * on the timer thread, one call at a time; once {@link #close} has returned it is not called again (a call already
 * running may finish).
 */
public final class EtcdWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("dev.rsp.core.etcd");

    private enum End { COMPACTED, STALE, ENDED }

    private final EtcdSettings settings;
    private final EtcdClient client;
    private final EtcdStats stats;
    private final Backoff backoff;
    private final Consumer<EtcdSnapshot> consumer;
    private final Thread worker;
    private final ScheduledExecutorService timer;
    private volatile boolean closed;
    private volatile boolean stale;
    private volatile boolean reading;
    private volatile long lastLineNanos;
    private volatile EtcdClient.WatchLines open;

    private final Object lock = new Object();
    // Guarded by lock.
    private final TreeMap<String, String> values = new TreeMap<>();
    private final Set<String> oversized = new HashSet<>();
    private long revision;
    private boolean publishScheduled;
    private final java.util.function.LongSupplier clock;
    /** When the last set went out, by {@link #clock}; guarded by lock. */
    private long publishedAt;
    private boolean publishedOnce;

    // Worker thread only.
    private int failures;
    private int endpoint;
    private boolean overLimit;

    public EtcdWatch(EtcdSettings settings, EtcdStats stats, Random jitter, Consumer<EtcdSnapshot> consumer) {
        this(settings, stats, jitter, consumer, System::nanoTime);
    }

    /** With {@code clock} ({@link System#nanoTime} in production) deciding when a coalescing window is over. */
    EtcdWatch(EtcdSettings settings, EtcdStats stats, Random jitter, Consumer<EtcdSnapshot> consumer,
            java.util.function.LongSupplier clock) {
        this.clock = clock;
        this.settings = settings;
        this.client = new EtcdClient(settings);
        this.stats = stats;
        this.backoff = new Backoff(settings.backoffMinMs(), settings.backoffMaxMs(), jitter);
        this.consumer = consumer;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "rsp-etcd-timer"));
        this.worker = daemon(this::run, "rsp-etcd");
    }

    /** Starts reading; returns at once. */
    public void start() {
        long period = Math.max(25, settings.idleMs() / 4);
        timer.scheduleWithFixedDelay(this::checkIdle, period, period, TimeUnit.MILLISECONDS);
        worker.start();
    }

    private void run() {
        boolean needRead = true;
        while (!closed) {
            Thread.interrupted();
            URI at = settings.endpoints().get(endpoint);
            try {
                if (needRead) {
                    stats.state(EtcdStats.State.CONNECTING, at.toString());
                    read(at);
                    needRead = false;
                }
                End end = watch(at);
                if (end == End.COMPACTED) {
                    needRead = true;
                } else if (end == End.ENDED && !closed) {
                    throw new IOException("the watch stream ended");
                }
            } catch (EtcdClient.TooManyKeys e) {
                stats.count(Counter.ETCD_OVER_KEYS);
                if (!overLimit) {
                    log.error("rsp.etcd: {} holds {} keys, more than limits.keys = {}; nothing from etcd is applied "
                            + "until it is back under the limit (the last good set stays)", settings.prefix(), e.count,
                            settings.maxKeys());
                    overLimit = true;
                }
                stats.state(EtcdStats.State.OVER_LIMIT, at.toString());
                stats.problem(e.count + " keys over limits.keys");
                needRead = true;
                pause(settings.backoffMaxMs());
            } catch (IOException | InterruptedException | RuntimeException e) {
                if (closed) {
                    return;
                }
                failed(at, e);
            }
        }
    }

    private void failed(URI at, Exception e) {
        failures++;
        stats.count(Counter.ETCD_RECONNECTS);
        if (e instanceof EtcdClient.ResponseTooLarge) {
            stats.count(Counter.ETCD_OVER_RESPONSE);
        }
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        stats.problem(at + ": " + reason);
        endpoint = (endpoint + 1) % settings.endpoints().size();
        long wait = backoff.delayMs(failures);
        stats.state(EtcdStats.State.BACKING_OFF, at.toString());
        if (failures == 1) {
            log.warn("rsp.etcd: {}: {}; keeping the last good set, trying {} in {} ms", at, reason,
                    settings.endpoints().get(endpoint), wait);
        } else {
            log.debug("rsp.etcd: {}: {} (failure {}); next try in {} ms", at, reason, failures, wait);
        }
        pause(wait);
    }

    /** Reads every key under the prefix and replaces the copy with them. */
    private void read(URI at) throws IOException, InterruptedException {
        EtcdClient.Range range = client.range(at);
        stats.count(Counter.ETCD_LISTS);
        int size;
        synchronized (lock) {
            values.clear();
            oversized.clear();
            for (EtcdClient.KeyValue kv : range.kvs()) {
                put(kv);
            }
            revision = range.revision();
            size = values.size() + oversized.size();
        }
        stats.seen(range.revision(), size);
        if (overLimit) {
            log.info("rsp.etcd: {} is back under limits.keys ({} keys)", settings.prefix(), size);
            overLimit = false;
        }
        changed();
    }

    private End watch(URI at) throws IOException, InterruptedException {
        long from;
        synchronized (lock) {
            from = revision + 1;
        }
        EtcdClient.WatchLines lines = client.watch(at, from);
        stale = false;
        lastLineNanos = System.nanoTime();
        open = lines;
        reading = true;
        try {
            for (String line; (line = lines.next()) != null; ) {
                lastLineNanos = System.nanoTime();
                End end = line(at, from, line);
                if (end != null) {
                    return end;
                }
            }
            return stale ? End.STALE : End.ENDED;
        } catch (IOException e) {
            if (stale && !closed) {
                stats.count(Counter.ETCD_WATCH_STALE);
                log.debug("rsp.etcd: the watch at {} brought nothing for {} ms; opening it again", at, settings.idleMs());
                return End.STALE;
            }
            throw e;
        } finally {
            reading = false;
            open = null;
            lines.close();
        }
    }

    /** One line of a watch: null to read on, or how the watch ended. */
    private End line(URI at, long from, String line) throws IOException {
        Map<String, Object> o = EtcdClient.object(line);
        if (o.containsKey("error")) {
            throw new EtcdClient.Refused("the watch failed: " + EtcdText.cut(line));
        }
        Map<String, Object> r = EtcdText.member(o, "result");
        if (EtcdText.flag(r, "canceled")) {
            long compacted = EtcdText.int64(r, "compact_revision");
            if (compacted > 0) {
                stats.count(Counter.ETCD_COMPACTED);
                log.info("rsp.etcd: revision {} was compacted (oldest kept: {}); reading {} again", from, compacted,
                        settings.prefix());
                return End.COMPACTED;
            }
            throw new EtcdClient.Refused("the watch was cancelled: " + EtcdText.cut(String.valueOf(r.get("cancel_reason"))));
        }
        if (EtcdText.flag(r, "created")) {
            if (failures > 0) {
                log.info("rsp.etcd: watching {} at {} again from revision {}", settings.prefix(), at, from);
            }
            failures = 0;
            stats.state(EtcdStats.State.WATCHING, at.toString());
            stats.problem("");
        }
        List<?> events = EtcdText.list(r, "events");
        // Only a progress notification (no events, not the creation) says every event up to its header's revision has
        // been sent. The creation's header is the store's revision while the events from start_revision are still to
        // come, and a catching-up watch sends its events in batches under the same kind of header: taking those as
        // progress would skip, on the next watch, the events a cut stream never delivered.
        boolean progress = events.isEmpty() && !EtcdText.flag(r, "created");
        long headerRevision = progress && r.containsKey("header")
                ? EtcdText.int64(EtcdText.member(r, "header"), "revision") : 0;
        int size;
        long seen;
        synchronized (lock) {
            for (Object event : events) {
                apply(event);
            }
            revision = Math.max(revision, headerRevision);
            seen = revision;
            size = values.size() + oversized.size();
        }
        stats.seen(seen, size);
        if (size > settings.maxKeys()) {
            throw new EtcdClient.TooManyKeys(size);
        }
        if (!events.isEmpty()) {
            stats.add(Counter.ETCD_EVENTS, events.size());
            changed();
        }
        return null;
    }

    /** Applies one event to the copy. Holds lock. */
    private void apply(Object event) throws EtcdClient.Refused {
        if (!(event instanceof Map<?, ?> m)) {
            throw new EtcdClient.Refused("an event that is not an object");
        }
        EtcdClient.KeyValue kv = EtcdClient.keyValue(m.get("kv"));
        revision = Math.max(revision, kv.modRevision());
        if ("DELETE".equals(m.get("type"))) {
            String key = relative(kv.key());
            values.remove(key);
            oversized.remove(key);
        } else {
            put(kv);
        }
    }

    /** Holds lock. */
    private void put(EtcdClient.KeyValue kv) {
        String key = relative(kv.key());
        if (kv.value().length > settings.maxValueBytes()) {
            values.remove(key);
            oversized.add(key);
            stats.count(Counter.ETCD_OVER_VALUE);
            log.error("rsp.etcd: {}: value of {} bytes (revision {}) is larger than limits.value.bytes = {}; refused",
                    kv.key(), kv.value().length, kv.modRevision(), settings.maxValueBytes());
            return;
        }
        oversized.remove(key);
        values.put(key, new String(kv.value(), StandardCharsets.UTF_8));
    }

    private String relative(String key) {
        return key.startsWith(settings.prefix()) ? key.substring(settings.prefix().length()) : key;
    }

    /**
     * Schedules the set to go out: at once the first time and after a quiet period, else at the end of the coalescing
     * window that the last publication opened.
     */
    private void changed() {
        synchronized (lock) {
            if (publishScheduled) {
                return;
            }
            publishScheduled = true;
            long delayNanos = publishedOnce
                    ? Math.max(0, publishedAt + TimeUnit.MILLISECONDS.toNanos(settings.coalesceMs()) - clock.getAsLong())
                    : 0;
            publishedOnce = true;
            try {
                timer.schedule(this::publish, delayNanos, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                publishScheduled = false;
            }
        }
    }

    private void publish() {
        EtcdSnapshot snapshot;
        synchronized (lock) {
            publishScheduled = false;
            publishedAt = clock.getAsLong();
            snapshot = new EtcdSnapshot(revision, values, oversized);
        }
        if (closed) {
            return;
        }
        stats.count(Counter.ETCD_PUBLICATIONS);
        try {
            consumer.accept(snapshot);
        } catch (RuntimeException e) {
            log.error("rsp.etcd: applying revision {} failed", snapshot.revision(), e);
        }
    }

    /**
     * On the timer: a watch silent for longer than the idle timeout is closed and its reader interrupted (the worker
     * opens it again). Repeated at every check while the worker still reads it, so that no single lost interrupt can
     * leave a dead stream in place; never throws (an exception would end the periodic check).
     */
    private void checkIdle() {
        try {
            if (reading && (stale
                    || System.nanoTime() - lastLineNanos > TimeUnit.MILLISECONDS.toNanos(settings.idleMs()))) {
                stale = true;
                EtcdClient.WatchLines lines = open;
                worker.interrupt();
                if (lines != null) {
                    lines.close();
                }
            }
        } catch (RuntimeException e) {
            log.error("rsp.etcd: closing a silent watch failed", e);
        }
    }

    private void pause(long ms) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        for (long left = ms * 1_000_000L; left > 0 && !closed; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    /** Stops both threads; the consumer is not called again. Does not wait for a blocked read to end. */
    @Override
    public void close() {
        closed = true;
        stats.state(EtcdStats.State.OFF, "");
        timer.shutdownNow();
        worker.interrupt();
        EtcdClient.WatchLines lines = open;
        if (lines != null) {
            lines.close();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
