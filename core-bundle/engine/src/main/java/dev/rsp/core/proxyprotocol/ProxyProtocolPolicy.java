package dev.rsp.core.proxyprotocol;

import dev.rsp.config.Cidr;
import dev.rsp.config.ProxyProtocolKeys;
import dev.rsp.spi.tls.ProxyProtocol;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What one listener requires of its connections' start: no PROXY header ({@link #OFF}), or a header of the accepted
 * versions from a trusted peer within a timeout and a size cap. Built off the loops from a listener's configuration
 * ({@code rsp.core}'s keys, or a TLS front's {@link ProxyProtocol}); immutable, shared by the loops.
 */
public final class ProxyProtocolPolicy {

    public static final ProxyProtocolPolicy OFF = new ProxyProtocolPolicy(null, List.of(),
            TimeUnit.MILLISECONDS.toNanos(ProxyProtocolKeys.DEFAULT_TIMEOUT_MS), ProxyProtocolKeys.DEFAULT_MAX_V2_BYTES);

    /** Null when off. */
    private final ProxyHeaderMode mode;
    private final List<Cidr> trusted;
    private final long timeoutNanos;
    private final int maxV2Bytes;

    private ProxyProtocolPolicy(ProxyHeaderMode mode, List<Cidr> trusted, long timeoutNanos, int maxV2Bytes) {
        this.mode = mode;
        this.trusted = List.copyOf(trusted);
        this.timeoutNanos = timeoutNanos;
        this.maxV2Bytes = maxV2Bytes;
    }

    /** The policy of validated {@code rsp.core} keys. */
    public static ProxyProtocolPolicy of(ProxyProtocolKeys.Values v) {
        if (!v.on()) {
            return OFF;
        }
        return new ProxyProtocolPolicy(ProxyHeaderMode.valueOf(v.versions().name()), v.trusted(),
                TimeUnit.MILLISECONDS.toNanos(v.timeoutMs()), v.maxV2Bytes());
    }

    /**
     * The policy a TLS front asks for. The front validated it with the same rules; whatever still does not validate
     * (a front of another bundle) is added to {@code errors}, and the policy then trusts nobody: connections are
     * refused rather than taken with addresses nobody vouched for.
     */
    public static ProxyProtocolPolicy of(ProxyProtocol p, List<String> errors) {
        if (p.versions() == ProxyProtocol.Versions.OFF) {
            return OFF;
        }
        List<String> problems = new ArrayList<>();
        ProxyProtocolKeys.Values v = ProxyProtocolKeys.read(p.versions().name(), String.join(",", p.trusted()),
                p.timeout().toMillis(), p.maxV2Bytes(), problems);
        if (v == null) {
            errors.addAll(problems);
            return new ProxyProtocolPolicy(ProxyHeaderMode.valueOf(p.versions().name()), List.of(),
                    Math.max(1, p.timeout().toNanos()), ProxyHeaderParser.DEFAULT_MAX_V2_LENGTH);
        }
        return of(v);
    }

    /** Whether connections must start with a header. */
    public boolean on() {
        return mode != null;
    }

    /** Whether {@code peer} may send a header. */
    public boolean trusts(InetAddress peer) {
        byte[] a = peer.getAddress();
        for (Cidr c : trusted) {
            if (c.contains(a)) {
                return true;
            }
        }
        return false;
    }

    public long timeoutNanos() {
        return timeoutNanos;
    }

    /**
     * A parser for one connection. The v2 cap is at most {@code window} (the input buffer's size): a header must fit
     * the buffer it is read into.
     */
    public ProxyHeaderParser newParser(int window) {
        int cap = Math.max(ProxyHeaderParser.MIN_MAX_V2_LENGTH, Math.min(maxV2Bytes, window));
        return new ProxyHeaderParser(mode, cap);
    }

    @Override
    public String toString() {
        return on() ? "PROXY " + mode + " from " + trusted + " within " + Duration.ofNanos(timeoutNanos).toMillis()
                + " ms, v2 up to " + maxV2Bytes + " bytes" : "no PROXY header";
    }
}
