package dev.rsp.core.h2.hpack;

/**
 * Bounds on what one connection's {@link HpackDecoder} accepts, applied while it decodes.
 *
 * @param maxTableSize      our SETTINGS_HEADER_TABLE_SIZE: the largest dynamic table the peer's encoder may use; a
 *                          size update above it is a COMPRESSION_ERROR. 4,096 is the protocol's initial value
 * @param maxHeaderListSize our SETTINGS_MAX_HEADER_LIST_SIZE: the most one block may decode to, counted as name
 *                          length + value length + 32 per field (RFC 9113 §6.5.2); over it: 431
 * @param maxFields         the most fields one block may hold, pseudo-header fields included; over it: 431
 */
public record HpackLimits(int maxTableSize, int maxHeaderListSize, int maxFields) {
    /** A 4,096-byte table, 32 KiB and 100 fields, as the HTTP/1.1 head limits ({@code HeadLimits.DEFAULT}). */
    public static final HpackLimits DEFAULT = new HpackLimits(4096, 32 * 1024, 100);

    public HpackLimits {
        if (maxTableSize < 0 || maxHeaderListSize <= 0 || maxFields <= 0) {
            throw new IllegalArgumentException("HPACK limits must be positive: table " + maxTableSize
                    + ", header list " + maxHeaderListSize + ", fields " + maxFields);
        }
    }
}
