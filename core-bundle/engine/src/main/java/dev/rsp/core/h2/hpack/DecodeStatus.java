package dev.rsp.core.h2.hpack;

/** What {@link HpackDecoder#decode} says about one header block; {@link HpackDecoder#defect()} says why. */
public enum DecodeStatus {
    /** Every field of the block went to the sink. */
    DONE,
    /**
     * The block decodes to more than {@link HpackLimits#maxHeaderListSize()} or {@link HpackLimits#maxFields()}.
     * The sink received the fields before the limit and no more; the rest of the block was decoded and dropped,
     * so the dynamic table is in step and the connection continues. The stream is answered 431 (or reset).
     */
    HEADER_LIST_TOO_LARGE,
    /**
     * The block is not valid HPACK, so the dynamic table state is unknown: a connection error of type
     * COMPRESSION_ERROR (RFC 9113 §4.3). The decoder refuses every later block.
     */
    COMPRESSION_ERROR
}
