package dev.rsp.core.backend;

import java.util.concurrent.atomic.LongAdder;

/**
 * What backend name resolution counted, for {@code rsp_events_total} ({@code dns.*}) and the gauges of names held or
 * unresolved now. Written on the publisher's thread, read from any.
 */
public final class DnsCounters {

    final LongAdder lookups = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder held = new LongAdder();
    final LongAdder expired = new LongAdder();
    final LongAdder changed = new LongAdder();
    volatile int holdingNow;
    volatile int unresolvedNow;

    /** DNS lookups started (A/AAAA and SRV; literals, {@code localhost} and hosts-file names are not looked up). */
    public long lookups() {
        return lookups.sum();
    }

    /** Lookups that gave no usable answer (no such name, no record, server failure, timeout). */
    public long failed() {
        return failed.sum();
    }

    /** Times a name's lookups started failing while it had a good answer, which was then kept ({@code dns.hold.ms}). */
    public long held() {
        return held.sum();
    }

    /** Times a held answer ran out ({@code dns.hold.ms} of failures): the name became unresolved. */
    public long expired() {
        return expired.sum();
    }

    /** Answers that differed from the name's previous answer (an address moved, SRV targets changed); not first answers. */
    public long changed() {
        return changed.sum();
    }

    /** Names in use served from a held answer now. */
    public int holdingNow() {
        return holdingNow;
    }

    /** Names in use without any answer now (never resolved, or their hold ran out). */
    public int unresolvedNow() {
        return unresolvedNow;
    }
}
