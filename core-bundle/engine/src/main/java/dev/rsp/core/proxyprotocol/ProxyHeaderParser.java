package dev.rsp.core.proxyprotocol;

import dev.rsp.core.http.ParseStatus;
import java.nio.ByteBuffer;

/**
 * Reads a PROXY protocol header (HAProxy's spec, v1 text or v2 binary) from the start of a connection's input
 * window. The header starts at {@code buf.position()}; the readable bytes end at {@code buf.limit()}. A call never
 * changes the buffer's position, limit or content and never reads outside {@code [position, limit)}. Between calls
 * for one header the caller leaves the bytes already given where they are; if it moves the position, parsing starts
 * over there.
 *
 * <p>Outcomes: {@link ParseStatus#NEED_MORE} with {@link #needed()} the least total number of window bytes (counted
 * from the position) before another call can progress; {@link ParseStatus#DONE} with {@link #header()}, whose
 * {@code length()} is exactly how many bytes to consume (the rest stays for HTTP or TLS); {@link ParseStatus#REJECT}
 * with {@link #rejection()}. Every refusal is reported as soon as the offending byte (or the length over the cap)
 * has arrived, whatever way the bytes are split across calls. The parser allocates only the header it returns
 * (and, for a v2 header carrying a CRC32C, one buffer view).
 *
 * <p>Thread confinement: one instance per connection, used by that connection's thread only; {@link #reset()}
 * before reusing it.
 */
public final class ProxyHeaderParser {
    /** The v2 cap used when the configuration says nothing: generous for TLVs, small against abuse. */
    public static final int DEFAULT_MAX_V2_LENGTH = 4096;
    /** The least v2 cap: the fixed part and an IPv6 address block. */
    public static final int MIN_MAX_V2_LENGTH = V2BlockParser.FIXED + V2BlockParser.INET6_BLOCK;
    /** 16 fixed bytes and a 16-bit length. */
    public static final int MAX_MAX_V2_LENGTH = V2BlockParser.FIXED + 0xFFFF;

    static final byte[] V1_SIGNATURE = {'P', 'R', 'O', 'X', 'Y', ' '};
    static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private static final int SIGNATURE = 0;
    private static final int V1 = 1;
    private static final int V2 = 2;
    private static final int DONE = 3;
    private static final int REJECTED = 4;

    private final ProxyHeaderMode mode;
    private final V1LineParser v1 = new V1LineParser();
    private final V2BlockParser v2;
    private int state;
    private boolean started;
    private int origin;
    private int needed;
    private ProxyHeader header;
    private ProxyHeaderRejection rejection = ProxyHeaderRejection.NOT_REJECTED;

    /**
     * @param mode         the versions accepted
     * @param maxV2Length  the largest v2 header accepted, fixed part and TLVs included, in
     *                     [{@link #MIN_MAX_V2_LENGTH}, {@link #MAX_MAX_V2_LENGTH}]
     */
    public ProxyHeaderParser(ProxyHeaderMode mode, int maxV2Length) {
        if (maxV2Length < MIN_MAX_V2_LENGTH || maxV2Length > MAX_MAX_V2_LENGTH) {
            throw new IllegalArgumentException("PROXY v2 cap " + maxV2Length + " not in [" + MIN_MAX_V2_LENGTH
                    + ", " + MAX_MAX_V2_LENGTH + "]");
        }
        this.mode = mode;
        this.v2 = new V2BlockParser(maxV2Length);
        reset();
    }

    public ParseStatus parse(ByteBuffer buf) {
        if (state == DONE) {
            return ParseStatus.DONE;
        }
        if (state == REJECTED) {
            return ParseStatus.REJECT;
        }
        if (!started || origin != buf.position()) {
            reset();
            started = true;
            origin = buf.position();
        }
        if (state == SIGNATURE && !signature(buf)) {
            return state == REJECTED ? ParseStatus.REJECT : ParseStatus.NEED_MORE;
        }
        ProxyHeaderRejection r;
        if (state == V1) {
            r = v1.parse(buf, origin, buf.limit());
            if (r == ProxyHeaderRejection.NOT_REJECTED && v1.header() == null) {
                needed = v1.needed();
                return ParseStatus.NEED_MORE;
            }
            header = v1.header();
        } else {
            r = v2.parse(buf, origin, buf.limit());
            if (r == ProxyHeaderRejection.NOT_REJECTED && v2.header() == null) {
                needed = v2.needed();
                return ParseStatus.NEED_MORE;
            }
            header = v2.header();
        }
        if (r != ProxyHeaderRejection.NOT_REJECTED) {
            return reject(r);
        }
        state = DONE;
        return ParseStatus.DONE;
    }

    /** Decides the version from the first bytes; false while undecided or refused. */
    private boolean signature(ByteBuffer buf) {
        int have = buf.limit() - origin;
        boolean v1Possible = mode.acceptsV1() && prefixMatches(buf, V1_SIGNATURE, have);
        boolean v2Possible = mode.acceptsV2() && prefixMatches(buf, V2_SIGNATURE, have);
        if (v1Possible && have >= V1_SIGNATURE.length) {
            state = V1;
            return true;
        }
        if (v2Possible && have >= V2_SIGNATURE.length) {
            state = V2;
            return true;
        }
        if (!v1Possible && !v2Possible) {
            reject(ProxyHeaderRejection.BAD_SIGNATURE);
            return false;
        }
        needed = v1Possible ? V1LineParser.MIN_LENGTH : V2BlockParser.FIXED;
        return false;
    }

    private boolean prefixMatches(ByteBuffer buf, byte[] signature, int have) {
        int n = Math.min(have, signature.length);
        for (int i = 0; i < n; i++) {
            if (buf.get(origin + i) != signature[i]) {
                return false;
            }
        }
        return true;
    }

    private ParseStatus reject(ProxyHeaderRejection r) {
        rejection = r;
        header = null;
        state = REJECTED;
        return ParseStatus.REJECT;
    }

    /** After NEED_MORE: the least window length, from the position, before another call can progress. */
    public int needed() {
        return needed;
    }

    /** After DONE: the header; otherwise null. */
    public ProxyHeader header() {
        return header;
    }

    /** After REJECT: why; otherwise {@link ProxyHeaderRejection#NOT_REJECTED}. */
    public ProxyHeaderRejection rejection() {
        return rejection;
    }

    public void reset() {
        state = SIGNATURE;
        started = false;
        needed = 1;
        header = null;
        rejection = ProxyHeaderRejection.NOT_REJECTED;
        v1.reset();
    }
}
