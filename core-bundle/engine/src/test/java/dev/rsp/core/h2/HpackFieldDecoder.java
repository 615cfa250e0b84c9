package dev.rsp.core.h2;

import dev.rsp.core.h2.hpack.DecodeStatus;
import dev.rsp.core.h2.hpack.HpackDecoder;
import dev.rsp.core.h2.hpack.HpackLimits;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link HeaderBlockDecoder} around the real {@link HpackDecoder}, as the glue's would be: a kept block's fields as
 * "name: value" lines, INFORMATIONAL for a {@code :status} 1xx, and a log of every block decoded (discarded ones too).
 */
final class HpackFieldDecoder implements HeaderBlockDecoder {

    private final HpackDecoder hpack;
    /** The fields of the last kept block. */
    List<String> fields = List.of();
    /** "kept" or "discarded" per block decoded, in order. */
    final List<String> blocks = new ArrayList<>();

    HpackFieldDecoder() {
        this(HpackLimits.DEFAULT);
    }

    HpackFieldDecoder(HpackLimits limits) {
        this.hpack = new HpackDecoder(limits);
    }

    @Override
    public Outcome decode(ByteBuffer block, boolean keep) {
        List<String> lines = new ArrayList<>();
        DecodeStatus status = hpack.decode(block, (n, nl, v, vl, sensitive) -> lines.add(
                new String(n, 0, nl, StandardCharsets.ISO_8859_1) + ": " + new String(v, 0, vl, StandardCharsets.ISO_8859_1)));
        blocks.add(keep ? "kept" : "discarded");
        if (keep) {
            fields = lines;
        }
        return switch (status) {
            case DONE -> lines.stream().anyMatch(l -> l.startsWith(":status: 1")) ? Outcome.INFORMATIONAL : Outcome.DECODED;
            case HEADER_LIST_TOO_LARGE -> Outcome.TOO_LARGE;
            default -> Outcome.COMPRESSION_ERROR;
        };
    }
}
