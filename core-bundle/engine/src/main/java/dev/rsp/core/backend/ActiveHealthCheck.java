package dev.rsp.core.backend;

import dev.rsp.spi.routing.Backend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Optional active health check: every interval, a plain TCP connect to every backend, its outcome fed into
 * {@link PassiveHealth} (connected within the timeout: success, which also ends a cool-down at once; refused,
 * unresolvable or timed out: failure, with that reason). No bytes
 * are sent; the connection is closed as soon as it is established.
 *
 * <p>Runs only on the given scheduler, never on a selector loop: one round waits up to {@code timeout} for all
 * connects at once on its own {@link Selector}, so a round takes at most about {@code timeout}, whatever the number
 * of backends. It resolves nothing: it connects to the addresses {@link BackendResolver} found, the same ones traffic
 * uses (a host that never resolved counts as a failure). Rounds never overlap (fixed delay). The
 * first round starts one interval after construction; rounds with no backends do nothing.
 *
 * <p>Thread-safety: {@link #update} and {@link #close} may be called from any thread. Outcomes are recorded only for
 * backends still configured (same name and address) when the round ends.
 */
public final class ActiveHealthCheck implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dev.rsp.core.backend");

    /** The outcome of a connect that succeeded; any other outcome is the reason it failed. */
    private static final String OK = "";

    private final PassiveHealth health;
    private final long timeoutNanos;
    private final ScheduledFuture<?> task;
    private volatile BackendDirectory directory = BackendDirectory.EMPTY;
    private volatile boolean closed;

    /**
     * Schedules the first round one {@code interval} from now, each next one {@code interval} after the end of the
     * previous round.
     *
     * @param scheduler runs the rounds; not owned (not shut down by {@link #close}); must not be a selector loop
     * @param interval  delay between rounds, positive
     * @param timeout   how long a connect may take, positive
     */
    public ActiveHealthCheck(PassiveHealth health, ScheduledExecutorService scheduler, Duration interval,
                             Duration timeout) {
        this.health = Objects.requireNonNull(health, "health");
        if (interval.isNegative() || interval.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("interval and timeout must be positive: " + interval + ", " + timeout);
        }
        this.timeoutNanos = timeout.toNanos();
        this.task = scheduler.scheduleWithFixedDelay(this::runRound, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Replaces the backends to check and their addresses, from the next round on. Any thread. */
    public void update(BackendDirectory directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** Stops further rounds; a round in progress finishes (within the timeout) but records nothing more. */
    @Override
    public void close() {
        closed = true;
        task.cancel(false);
    }

    private void runRound() {
        try {
            checkOnce();
        } catch (IOException | RuntimeException e) {
            // A thrown exception would silently end scheduleWithFixedDelay; log and try again next round.
            LOG.warn("Active health check round failed", e);
        }
    }

    /** One round on the calling thread: connects to every current backend and records the outcomes. */
    void checkOnce() throws IOException {
        BackendDirectory round = directory;
        if (round.backends().all().isEmpty() || closed) {
            return;
        }
        Map<Backend, String> outcome = new HashMap<>();
        try (Selector selector = Selector.open()) {
            for (Backend b : round.backends().all()) {
                startConnect(b, round.address(b), selector, outcome);
            }
            long deadline = System.nanoTime() + timeoutNanos;
            while (pending(selector) > 0 && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                for (SelectionKey key : selector.selectedKeys()) {
                    finishConnect(key, outcome);
                }
                selector.selectedKeys().clear();
            }
            for (SelectionKey key : selector.keys()) {
                if (key.isValid()) {
                    outcome.put((Backend) key.attachment(), "connect timed out (health check, "
                            + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms)");
                }
                closeQuietly(key.channel());
            }
        }
        record(outcome);
    }

    /** Connects still in progress; cancelled keys stay in {@code keys()} until the next select, so count valid ones. */
    private static int pending(Selector selector) {
        int n = 0;
        for (SelectionKey key : selector.keys()) {
            if (key.isValid()) {
                n++;
            }
        }
        return n;
    }

    private static void startConnect(Backend b, InetSocketAddress address, Selector selector,
                                     Map<Backend, String> outcome) {
        if (address.isUnresolved()) {
            outcome.put(b, "host name " + b.host() + " not resolved (health check)");
            return;
        }
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            if (channel.connect(address)) {
                outcome.put(b, OK);
                channel.close();
            } else {
                channel.register(selector, SelectionKey.OP_CONNECT, b);
            }
        } catch (IOException | RuntimeException e) {
            outcome.put(b, failure(e));
            closeQuietly(channel);
        }
    }

    private static void finishConnect(SelectionKey key, Map<Backend, String> outcome) {
        SocketChannel channel = (SocketChannel) key.channel();
        boolean connected;
        String why = OK;
        try {
            connected = channel.finishConnect();
        } catch (IOException e) {
            connected = false;
            why = failure(e);
        }
        if (connected || !channel.isConnectionPending()) {
            outcome.put((Backend) key.attachment(), connected ? OK : why);
            key.cancel();
            closeQuietly(channel);
        }
    }

    private void record(Map<Backend, String> outcome) {
        if (closed) {
            return;
        }
        List<Backend> current = directory.backends().all();
        outcome.forEach((b, ok) -> {
            if (!current.contains(b)) {
                return;
            }
            if (ok.equals(OK)) {
                health.recordCheckSuccess(b.name());
            } else {
                health.recordFailure(b.name(), ok);
            }
        });
    }

    /** What a failed connect means for a person: {@code connection refused (health check)}, or the JDK's message. */
    static String failure(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return (e instanceof java.net.ConnectException && m.toLowerCase(java.util.Locale.ROOT).contains("refused")
                ? "connection refused" : m) + " (health check)";
    }

    private static void closeQuietly(java.nio.channels.Channel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do: the check's outcome is already known
        }
    }
}
