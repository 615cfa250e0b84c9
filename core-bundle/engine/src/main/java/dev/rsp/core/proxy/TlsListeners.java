package dev.rsp.core.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import dev.rsp.spi.tls.Passthrough;
import dev.rsp.spi.tls.Termination;
import dev.rsp.spi.tls.TlsFront;

/**
 * The engine's TLS listeners, one per {@link TlsFront} service, and the threads that run TLS engines' delegated
 * tasks. Guarded by the engine's lock (every method is called under it).
 */
final class TlsListeners {

    private final Map<TlsFront, ServerSocketChannel> listeners = new IdentityHashMap<>();
    private ExecutorService tasks;

    /** Opens the listener of {@code front} on every loop; a no-op when it has one. */
    void add(ProxyEngine engine, List<LoopContext> loops, TlsFront front) throws IOException {
        if (listeners.containsKey(front)) {
            return;
        }
        ServerSocketChannel ch = Acceptor.listen(engine, loops, "rsp.tls listen", front.listenAddress(), front);
        listeners.put(front, ch);
        ProxyEngine.log.info("rsp TLS listener ({}) on {}", front.handling() instanceof Passthrough ? "passthrough" : "terminate",
                ch.getLocalAddress());
    }

    /** Closes the listener of {@code front}; its open connections finish. */
    void remove(TlsFront front) {
        ServerSocketChannel ch = listeners.remove(front);
        if (ch != null) {
            try {
                ProxyEngine.log.info("rsp TLS listener on {} closed", ch.getLocalAddress());
                ch.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** At a stop: forgets every listener and hands their sockets to the caller, who closes them. */
    List<ServerSocketChannel> detachAll() {
        List<ServerSocketChannel> out = List.copyOf(listeners.values());
        listeners.clear();
        return out;
    }

    /** Where the listener of {@code front} listens, or null when it has none. */
    InetSocketAddress address(TlsFront front) {
        ServerSocketChannel ch = listeners.get(front);
        try {
            return ch == null ? null : (InetSocketAddress) ch.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /** The fronts with an open listener. */
    List<TlsFront> fronts() {
        return List.copyOf(listeners.keySet());
    }

    /** Per terminating listener (its bound address), the name of the engine kind its front makes now. */
    Map<String, String> engines() {
        Map<String, String> out = new java.util.TreeMap<>();
        listeners.forEach((front, ch) -> {
            InetSocketAddress at = address(front);
            if (at != null && front.handling() instanceof Termination t) {
                try {
                    out.put(at.getAddress().getHostAddress() + ":" + at.getPort(), t.engineKind().name());
                } catch (RuntimeException e) {
                    out.put(at.getAddress().getHostAddress() + ":" + at.getPort(), "unknown");
                }
            }
        });
        return out;
    }

    /**
     * The counters the fronts keep themselves ({@link TlsFront#events()}), summed by name over the open listeners; a
     * front that throws adds nothing.
     */
    Map<String, Long> events() {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (TlsFront front : listeners.keySet()) {
            try {
                front.events().forEach((name, n) -> out.merge(name, n, Long::sum));
            } catch (RuntimeException e) {
                // a front's failure must not take the core's metrics with it
            }
        }
        return out;
    }

    /**
     * Runs SSLEngine delegated tasks (the handshake's signatures and key exchanges) off the loops: one thread per
     * loop, a bounded queue; a handshake whose task is refused is closed. Made on first use.
     */
    synchronized Executor tasks(int loops) {
        if (tasks == null) {
            int n = Math.max(1, loops);
            AtomicInteger ids = new AtomicInteger();
            ThreadPoolExecutor pool = new ThreadPoolExecutor(n, n, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(16_384), r -> {
                Thread t = new Thread(r, "rsp-tls-task-" + ids.getAndIncrement());
                t.setDaemon(true);
                return t;
            });
            pool.allowCoreThreadTimeOut(true);
            tasks = pool;
        }
        return tasks;
    }

    synchronized void shutdown() {
        if (tasks != null) {
            tasks.shutdownNow();
            tasks = null;
        }
    }
}
