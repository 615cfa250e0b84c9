package dev.rsp.tls.acme;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The names one {@link AcmeCertificates} looks after, each with its {@link NameState}: the configured ones from the
 * start, the ones found in storage or asked for on demand as they come.
 *
 * <p>Lock discipline: <b>this object's monitor guards every field of every {@link NameState} it holds</b>; read or
 * change one only inside {@code synchronized (names)}. The set of names itself is a concurrent map and needs no lock.
 * Network threads take the monitor ({@link OnDemandRequests}, {@link AcmeCertificates#nextRenewal}), so it is held for
 * memory work only: never across disk I/O or a call to the CA. What runs under it must not block either: completing a
 * name's waiters and {@link IssuancePolicy#finished}.
 */
final class NameStates {

    private final Map<String, NameState> states = new ConcurrentHashMap<>();

    /** @param configured the names of {@code names}: ordered without being asked */
    NameStates(List<String> configured) {
        configured.forEach(n -> states.put(n, new NameState(n, true)));
    }

    /** The state of {@code name} (canonical); null when this instance does not look after it. */
    NameState get(String name) {
        return states.get(name);
    }

    boolean contains(String name) {
        return states.containsKey(name);
    }

    /** The state of {@code name}, added as a name not configured (obtained on demand, or found in storage). */
    NameState add(String name) {
        return states.computeIfAbsent(name, n -> new NameState(n, false));
    }

    /** Every state, weakly consistent: names added meanwhile may be missed (the next round sees them). */
    Collection<NameState> all() {
        return states.values();
    }

    List<String> names() {
        return new ArrayList<>(states.keySet());
    }
}
