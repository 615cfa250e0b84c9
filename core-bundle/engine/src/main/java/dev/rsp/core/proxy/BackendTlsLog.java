package dev.rsp.core.proxy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The WARN lines of failed TLS handshakes with backends, on {@code dev.rsp.core.proxy}: one per backend at most every
 * {@link #INTERVAL_NANOS}, so that a backend whose certificate is wrong, retried by every request, is named with its
 * reason without flooding the log. Thread-safe: every loop of one engine shares it.
 */
final class BackendTlsLog {

    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** When each backend's last line was written (System.nanoTime). */
    private final ConcurrentHashMap<String, Long> lastLine = new ConcurrentHashMap<>();

    /** {@code why} completes "backend NAME (ADDRESS) ...", e.g. "did not agree to h2 over ALPN (it chose none)". */
    void failed(String backend, String address, String why) {
        long now = System.nanoTime();
        boolean[] due = new boolean[1];
        lastLine.compute(backend, (name, last) -> {
            due[0] = last == null || now - last >= INTERVAL_NANOS;
            return due[0] ? now : last;
        });
        if (due[0]) {
            ProxyEngine.log.warn("backend {} ({}) {}", backend, address, why);
        }
    }
}
