package dev.rsp.tls.acme;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The ACME client's counters, by their published names. Incremented by the component's threads and by network
 * threads ({@code acme.ondemand.*}); read by anyone.
 */
final class AcmeCounters {

    /** A certificate obtained for a name storage did not have. */
    final LongAdder issued = new LongAdder();
    /** A certificate obtained to replace one in storage. */
    final LongAdder renewed = new LongAdder();
    /** An order that ended without a certificate. */
    final LongAdder failed = new LongAdder();
    /** A handshake that waits for an on-demand order the policy allowed (started or joined). */
    final LongAdder onDemandWaits = new LongAdder();
    /** An on-demand request refused (by the policy, or while the name backs off). */
    final LongAdder onDemandRefused = new LongAdder();
    /** An order not placed because another instance holds the name's lock. */
    final LongAdder lockWaited = new LongAdder();
    /** A stale lock of another instance taken over. */
    final LongAdder lockTakenOver = new LongAdder();

    /** A copy: name to count. */
    Map<String, Long> snapshot() {
        Map<String, Long> m = new TreeMap<>();
        m.put("acme.issued", issued.sum());
        m.put("acme.renewed", renewed.sum());
        m.put("acme.failed", failed.sum());
        m.put("acme.ondemand.waits", onDemandWaits.sum());
        m.put("acme.ondemand.refused", onDemandRefused.sum());
        m.put("acme.lock.waited", lockWaited.sum());
        m.put("acme.lock.takenover", lockTakenOver.sum());
        return m;
    }
}
