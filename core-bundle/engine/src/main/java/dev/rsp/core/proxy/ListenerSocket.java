package dev.rsp.core.proxy;

import dev.rsp.core.LauncherLink;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How a listening socket opens and how it closes at a stop, so that another rsp process can take over its port
 * without a failed connection (a rolling upgrade, {@code bin/rsp upgrade}).
 *
 * <p>Opening: with {@code listen.reuseport} the socket gets SO_REUSEPORT, and a second process of the same user may
 * bind the same address; the kernel then spreads new connections over both.
 *
 * <p>Closing: Linux resets the connections still queued in a closing listener's accept queue unless
 * {@code net.ipv4.tcp_migrate_req} is 1 (kernel 5.14 and later: they move to another listener of the same port).
 * {@link #closeAfterSweep} therefore accepts what is queued first, on a loop, and closes right after, which leaves a
 * window of microseconds instead of everything that arrived since the loops last woke up.
 */
final class ListenerSocket {

    static final Path MIGRATE_REQ = Path.of("/proc/sys/net/ipv4/tcp_migrate_req");
    /** How long the stopping thread waits for a loop to sweep a listener before it closes the socket itself. */
    static final long SWEEP_WAIT_MS = 2_000;

    private ListenerSocket() {
    }

    /**
     * Binds {@code ch} to {@code address} (and listens); {@code key} names the listener in log lines. With
     * {@code reusePort} the socket gets SO_REUSEPORT, and an address another process already listens on with it is
     * refused unless this rsp replaces another ({@link LauncherLink#TAKEOVER_PROPERTY}): two rsp sharing a port by
     * mistake would split its traffic. Next to a listener without SO_REUSEPORT the bind fails as any bind does.
     */
    static void bind(ServerSocketChannel ch, InetSocketAddress address, int backlog, boolean reusePort, String key)
            throws IOException {
        ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        boolean listenedOn = reusePort && address.getPort() != 0 && System.getProperty(LauncherLink.TAKEOVER_PROPERTY) == null
                && inUse(address);
        if (reusePort) {
            reusePort(ch, key);
        }
        ch.bind(address, backlog);
        if (listenedOn) {
            throw new IOException("Address already in use (another process listens there with SO_REUSEPORT; only an rsp "
                    + "replacing it, bin/rsp upgrade, shares it)");
        }
    }

    private static void reusePort(ServerSocketChannel ch, String key) throws IOException {
        if (!ch.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
            ProxyEngine.log.warn("{}: listen.reuseport is true but this system has no SO_REUSEPORT: a second rsp cannot "
                    + "listen on this port while this one runs", key);
            return;
        }
        ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
        if (migrateReq(MIGRATE_REQ) == 0) {
            ProxyEngine.log.warn("{}: net.ipv4.tcp_migrate_req is 0: when this rsp stops and another listens on the same "
                    + "port, a connection arriving in the microseconds while the listener closes is reset (rsp accepts "
                    + "what is queued first); sysctl -w net.ipv4.tcp_migrate_req=1 makes the kernel hand it over", key);
        }
    }

    /**
     * Whether another socket listens on {@code address} now: a probe socket with SO_REUSEADDR (which Linux lets bind
     * beside connections and sockets in TIME_WAIT, not beside a listener) binds it without listening, and closes.
     */
    static boolean inUse(InetSocketAddress address) {
        try (SocketChannel probe = SocketChannel.open()) {
            probe.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            probe.bind(new InetSocketAddress(address.getHostString(), address.getPort()));
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** The value of {@code net.ipv4.tcp_migrate_req} at {@code file}; -1 when it cannot be read (not Linux, before 5.14). */
    static int migrateReq(Path file) {
        try {
            return Integer.parseInt(Files.readString(file).trim());
        } catch (IOException | NumberFormatException | SecurityException e) {
            return -1;
        }
    }

    /**
     * Closes {@code listeners} at a stop: on the first loop, each listener's acceptor takes every connection the kernel
     * has queued for it (counted {@code listener.queue.swept}; they are drained with the others), then the socket
     * closes. Called on the stopping thread, without the engine's lock (a loop may need it); waits at most
     * {@link #SWEEP_WAIT_MS}, then closes the sockets itself.
     */
    static void closeAfterSweep(List<ServerSocketChannel> listeners, List<LoopContext> loops, ProxyCounters counters,
            int backlog) {
        if (listeners.isEmpty()) {
            return;
        }
        if (!loops.isEmpty()) {
            LoopContext ctx = loops.get(0);
            CompletableFuture<Void> swept = new CompletableFuture<>();
            ctx.loop.execute(() -> {
                try {
                    int before = ctx.clients.size();
                    for (ServerSocketChannel ch : listeners) {
                        SelectionKey key = ch.keyFor(ctx.loop.selector());
                        if (key != null && key.attachment() instanceof Acceptor acceptor) {
                            acceptor.acceptQueued(backlog);
                        }
                        closeQuietly(ch);
                    }
                    counters.add(Counter.LISTENER_QUEUE_SWEPT, Math.max(0, ctx.clients.size() - before));
                } finally {
                    swept.complete(null);
                }
            });
            try {
                swept.get(SWEEP_WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                ProxyEngine.log.warn("the listeners were not swept within {} ms; closing them", SWEEP_WAIT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        listeners.forEach(ListenerSocket::closeQuietly);
    }

    static void closeQuietly(ServerSocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
