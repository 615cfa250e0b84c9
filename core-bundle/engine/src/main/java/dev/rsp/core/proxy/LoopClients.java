package dev.rsp.core.proxy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client connections one loop serves. The set is the loop's alone; its size is also published, with the
 * connections other loops' acceptors have handed to this loop and it has not taken yet, as this loop's {@link #load},
 * which any thread may read to choose the loop a new connection goes to ({@link Acceptor}).
 */
final class LoopClients {

    private final Set<ClientConnection> open = new HashSet<>();
    /** {@code open.size()}, written by the loop after every change. */
    private volatile int published;
    /** Handed to this loop by another loop's acceptor, not yet added (any thread). */
    private final AtomicInteger incoming = new AtomicInteger();

    /** Loop thread only. */
    boolean add(ClientConnection c) {
        boolean added = open.add(c);
        published = open.size();
        return added;
    }

    /** Loop thread only. */
    boolean remove(ClientConnection c) {
        boolean removed = open.remove(c);
        published = open.size();
        return removed;
    }

    /** Loop thread only. */
    int size() {
        return open.size();
    }

    /** A copy to iterate while connections close themselves (and so leave the set). Loop thread only. */
    List<ClientConnection> snapshot() {
        return new ArrayList<>(open);
    }

    /** Another loop's acceptor hands this loop a connection it will add soon (any thread). */
    void handedIn() {
        incoming.incrementAndGet();
    }

    /** A connection announced by {@link #handedIn} arrived, added or refused (loop thread). */
    void arrived() {
        incoming.decrementAndGet();
    }

    /** Connections this loop serves or is about to: a moment's estimate, from any thread. */
    int load() {
        return published + incoming.get();
    }
}
