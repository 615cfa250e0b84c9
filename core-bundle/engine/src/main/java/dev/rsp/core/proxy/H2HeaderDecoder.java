package dev.rsp.core.proxy;

import dev.rsp.core.h2.HeaderBlockDecoder;
import dev.rsp.core.h2.hpack.DecodeStatus;
import dev.rsp.core.h2.hpack.FieldSink;
import dev.rsp.core.h2.hpack.HpackDecoder;
import dev.rsp.core.h2.hpack.HpackLimits;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * HPACK in, for one HTTP/2 connection: every header block the client sends is decoded here in order (blocks of
 * refused or ignored streams too, so the dynamic table stays in step); a kept block's fields are collected into an
 * {@link H2Request}, which the connection {@link #take}s when the session reports what the block was (a request head,
 * or trailers). Loop thread only.
 */
final class H2HeaderDecoder implements HeaderBlockDecoder {

    private static final FieldSink DISCARD = (n, nl, v, vl, s) -> { };

    private final HpackDecoder hpack;
    private final InetSocketAddress remote;
    private final Optional<String> sni;
    private final FieldStrings strings;
    private H2Request decoded;

    H2HeaderDecoder(HpackLimits limits, InetSocketAddress remote, Optional<String> sni, FieldStrings strings) {
        this.hpack = new HpackDecoder(limits);
        this.remote = remote;
        this.sni = sni;
        this.strings = strings;
    }

    @Override
    public Outcome decode(ByteBuffer block, boolean keep) {
        decoded = keep ? new H2Request(remote, sni, strings) : null;
        DecodeStatus status = hpack.decode(block, keep ? decoded : DISCARD);
        return switch (status) {
            case DONE -> Outcome.DECODED;
            case HEADER_LIST_TOO_LARGE -> Outcome.TOO_LARGE;
            default -> Outcome.COMPRESSION_ERROR;
        };
    }

    /** The fields of the last kept block (null when it was not kept), forgotten here. */
    H2Request take() {
        H2Request r = decoded;
        decoded = null;
        return r;
    }
}
