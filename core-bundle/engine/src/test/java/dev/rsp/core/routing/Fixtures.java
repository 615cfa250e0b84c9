package dev.rsp.core.routing;

import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.RequestHead;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

/** Socket-free helpers for the routing tests. */
final class Fixtures {

    private Fixtures() {
    }

    /** Backends named {@code names}, each on its own local port. */
    static Backends backends(long generation, String... names) {
        List<Backend> all = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            all.add(new Backend(names[i], "127.0.0.1", 9100 + i, 1));
        }
        return new Backends(generation, all);
    }

    static RequestHead head(String host, String path) {
        return new Head("GET", path, "", host, InetSocketAddress.createUnresolved("192.0.2.7", 40000));
    }

    record Head(String method, String path, String query, String host, InetSocketAddress clientAddress)
            implements RequestHead {
        @Override
        public Optional<String> header(String name) {
            return name.equalsIgnoreCase("x-test") ? Optional.of("yes") : Optional.empty();
        }

        @Override
        public Optional<String> sni() {
            return Optional.empty();
        }
    }

    /** An executor that only queues; the test runs the queued tasks by hand, on its own thread. */
    static final class ManualExecutor implements Executor {
        private final Deque<Runnable> queue = new ArrayDeque<>();

        @Override
        public synchronized void execute(Runnable task) {
            queue.add(task);
        }

        synchronized int pending() {
            return queue.size();
        }

        /** Runs the oldest queued task; false when none was queued. */
        boolean runNext() {
            Runnable task;
            synchronized (this) {
                task = queue.poll();
            }
            if (task == null) {
                return false;
            }
            task.run();
            return true;
        }

        /** Runs queued tasks, including ones they queue, until none is left; returns how many ran. */
        int runAll() {
            int n = 0;
            while (runNext()) {
                n++;
            }
            return n;
        }
    }
}
