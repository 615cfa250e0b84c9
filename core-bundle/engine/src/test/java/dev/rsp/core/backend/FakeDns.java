package dev.rsp.core.backend;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link HostLookup} answering from maps the test edits: a name without an entry fails (no such name). Answers at
 * once, or, when {@link #held} is set, only when the test calls {@link #answerAll} (as a real lookup completes later,
 * on another thread). Counts lookups by name.
 */
final class FakeDns implements HostLookup {

    final Map<String, Answer> hosts = new HashMap<>();
    final Map<String, Answer> services = new HashMap<>();
    final Map<String, Integer> lookups = new HashMap<>();
    final Deque<Runnable> waiting = new ArrayDeque<>();
    boolean held;

    FakeDns host(String name, long ttlSeconds, String... ips) {
        List<InetAddress> addresses = new ArrayList<>();
        for (String ip : ips) {
            try {
                addresses.add(InetAddress.getByName(ip));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(ip, e);
            }
        }
        hosts.put(name, new Addresses(addresses, ttlSeconds));
        return this;
    }

    FakeDns service(String name, long ttlSeconds, ServiceTarget... targets) {
        services.put(name, new Services(List.of(targets), ttlSeconds));
        return this;
    }

    int lookups(String name) {
        return lookups.getOrDefault(name, 0);
    }

    @Override
    public CompletionStage<Answer> addresses(String host) {
        return answer(host, hosts);
    }

    @Override
    public CompletionStage<Answer> services(String name) {
        return answer(name, services);
    }

    private CompletionStage<Answer> answer(String name, Map<String, Answer> table) {
        lookups.merge(name, 1, Integer::sum);
        CompletableFuture<Answer> f = new CompletableFuture<>();
        Runnable complete = () -> f.complete(table.getOrDefault(name, new Failed("no such name (NXDOMAIN)")));
        if (held) {
            waiting.add(complete);
        } else {
            complete.run();
        }
        return f;
    }

    void answerAll() {
        while (!waiting.isEmpty()) {
            waiting.poll().run();
        }
    }
}
