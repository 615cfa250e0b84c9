package dev.rsp.core.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.List;

/**
 * The plain HTTP listener of an engine ({@code http.listen}): opened at start on every loop, moved when the configured
 * address changes (the old socket closes only once the new one is bound), handed to the drain at a stop. Guarded by
 * the engine's lock; {@link #localAddress()} may be read from any thread.
 */
final class HttpListener {

    private final ProxyEngine engine;
    private final List<LoopContext> loops;
    private ServerSocketChannel server;
    /** The configured address {@link #server} was bound for. */
    private InetSocketAddress listening;
    private volatile InetSocketAddress localAddress;

    HttpListener(ProxyEngine engine, List<LoopContext> loops) {
        this.engine = engine;
        this.loops = loops;
    }

    /** Binds {@code configured} and accepts on every loop; the IOException names the key and the address. */
    void open(InetSocketAddress configured) throws IOException {
        server = Acceptor.listen(engine, loops, "http.listen", configured, null);
        listening = configured;
        localAddress = (InetSocketAddress) server.getLocalAddress();
        ProxyEngine.log.info("rsp proxy listening on {} with {} loops", localAddress, loops.size());
    }

    /**
     * Moves to {@code next} when it differs from the address in force and from {@code previous} (the last configured
     * one, which failed to bind if it is not in force). When {@code next} cannot be bound the open listener stays and
     * one ERROR says why.
     */
    void move(InetSocketAddress next, InetSocketAddress previous) {
        if (server == null || next.equals(listening) || next.equals(previous)) {
            return;
        }
        ServerSocketChannel old = server;
        try {
            open(next);
        } catch (IOException e) {
            ProxyEngine.log.error("rsp.core: cannot move the listener: {}; still listening on {}", e.getMessage(), localAddress);
            return;
        }
        closeQuietly(old);
    }

    /**
     * At a stop: hands the listening socket to the caller, who closes it ({@link ListenerSocket#closeAfterSweep}); the
     * listener neither moves nor closes afterwards. Empty when it never opened.
     */
    List<ServerSocketChannel> detach() {
        ServerSocketChannel ch = server;
        server = null;
        return ch == null ? List.of() : List.of(ch);
    }

    InetSocketAddress localAddress() {
        return localAddress;
    }

    private static void closeQuietly(ServerSocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
