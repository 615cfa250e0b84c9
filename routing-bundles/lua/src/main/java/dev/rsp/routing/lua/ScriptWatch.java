package dev.rsp.routing.lua;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Polls one file's modification time and size on a daemon thread of its own (never a loop thread) and runs a
 * callback when either changes, the file appears or it disappears. Polling rather than a WatchService: it works
 * the same on every file system, for a file that is replaced by a rename, and for a directory that does not exist
 * yet.
 */
final class ScriptWatch implements AutoCloseable {

    private final Path file;
    private final long intervalNanos;
    private final Runnable onChange;
    private final Thread thread;
    private volatile boolean stop;
    private Object seen;

    ScriptWatch(Path file, long intervalMs, Runnable onChange) {
        this.file = file;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
        this.onChange = onChange;
        this.seen = signature();
        this.thread = new Thread(this::run, "rsp-lua-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (!stop) {
            LockSupport.parkNanos(intervalNanos);
            if (stop) {
                return;
            }
            Object now = signature();
            if (!Objects.equals(now, seen)) {
                seen = now;
                try {
                    onChange.run();
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(ScriptWatch.class).error("lua: reloading {} failed", file, e);
                }
            }
        }
    }

    private Object signature() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return java.util.List.of(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey()));
        } catch (IOException e) {
            return "missing";
        }
    }

    @Override
    public void close() {
        stop = true;
        LockSupport.unpark(thread);
    }
}
