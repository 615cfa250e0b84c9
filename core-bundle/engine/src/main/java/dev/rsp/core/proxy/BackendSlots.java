package dev.rsp.core.proxy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The concurrency gates of the engine's backends, by backend name, shared by all loops ({@link SlotGate}). A gate is
 * made the first time a backend with a limit is used; gates of backends no longer configured go once idle. Any thread.
 */
final class BackendSlots {

    private final ConcurrentHashMap<String, SlotGate> byName = new ConcurrentHashMap<>();

    SlotGate gate(String backendName) {
        SlotGate g = byName.get(backendName);
        return g != null ? g : byName.computeIfAbsent(backendName, n -> new SlotGate());
    }

    /** Requests in flight to {@code backendName} counted by its gate (0 without a limit). */
    int inFlight(String backendName) {
        SlotGate g = byName.get(backendName);
        return g == null ? 0 : g.inFlight();
    }

    int queued(String backendName) {
        SlotGate g = byName.get(backendName);
        return g == null ? 0 : g.queued();
    }

    /**
     * Forgets the idle gates of backends not in {@code names}. A request routed before the change keeps the gate it
     * holds and releases into it; a backend configured again gets a new gate.
     */
    void retain(Set<String> names) {
        byName.entrySet().removeIf(e -> !names.contains(e.getKey()) && e.getValue().inFlight() == 0 && e.getValue().queued() == 0);
    }
}
