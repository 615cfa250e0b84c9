package dev.rsp.core.h2.hpack;

/** Why a header block was not {@link DecodeStatus#DONE}: one constant per cause, for counters and logs. */
public enum HpackDefect {
    /** The block ends inside a representation, an integer or a string. */
    TRUNCATED(DecodeStatus.COMPRESSION_ERROR),
    /** An integer above 2^31-1, or one with more than five continuation bytes (§5.1). */
    INTEGER_OVERFLOW(DecodeStatus.COMPRESSION_ERROR),
    /** Index 0, or an index past the end of the dynamic table (§2.3.3). */
    BAD_INDEX(DecodeStatus.COMPRESSION_ERROR),
    /** A Huffman string holding the EOS symbol (§5.2). */
    HUFFMAN_EOS(DecodeStatus.COMPRESSION_ERROR),
    /** A Huffman string padded with more than 7 bits, or with bits that are not all ones (§5.2). */
    HUFFMAN_PADDING(DecodeStatus.COMPRESSION_ERROR),
    /** A dynamic table size update above our SETTINGS_HEADER_TABLE_SIZE (§6.3). */
    TABLE_SIZE_UPDATE_TOO_LARGE(DecodeStatus.COMPRESSION_ERROR),
    /** A dynamic table size update after the first field of a block (§4.2). */
    TABLE_SIZE_UPDATE_NOT_AT_START(DecodeStatus.COMPRESSION_ERROR),
    /** Our SETTINGS_HEADER_TABLE_SIZE went below the table's size and the next block did not start with an update. */
    TABLE_SIZE_UPDATE_MISSING(DecodeStatus.COMPRESSION_ERROR),
    /** An earlier block failed with COMPRESSION_ERROR; the table state is unknown. */
    DECODER_FAILED_BEFORE(DecodeStatus.COMPRESSION_ERROR),
    /** Over {@link HpackLimits#maxHeaderListSize()}. */
    HEADER_LIST_TOO_LARGE(DecodeStatus.HEADER_LIST_TOO_LARGE),
    /** Over {@link HpackLimits#maxFields()}. */
    TOO_MANY_FIELDS(DecodeStatus.HEADER_LIST_TOO_LARGE);

    private final DecodeStatus status;

    HpackDefect(DecodeStatus status) {
        this.status = status;
    }

    /** The outcome this cause leads to. */
    public DecodeStatus status() {
        return status;
    }

    /** True when the connection must end with COMPRESSION_ERROR; false when only the stream is refused. */
    public boolean connectionError() {
        return status == DecodeStatus.COMPRESSION_ERROR;
    }
}
