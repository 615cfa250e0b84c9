package dev.rsp.tls.acme;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Daemon threads named {@code name}, {@code name-2}, ...: the ACME client's threads never keep the JVM alive. */
final class DaemonThreads implements ThreadFactory {

    private final String name;
    private final AtomicInteger made = new AtomicInteger();

    DaemonThreads(String name) {
        this.name = name;
    }

    @Override
    public Thread newThread(Runnable r) {
        int n = made.incrementAndGet();
        Thread t = new Thread(r, n == 1 ? name : name + "-" + n);
        t.setDaemon(true);
        return t;
    }
}
