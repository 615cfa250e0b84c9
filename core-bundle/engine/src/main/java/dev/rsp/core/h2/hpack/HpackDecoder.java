package dev.rsp.core.h2.hpack;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Decodes the header blocks one peer sends on one HTTP/2 connection (RFC 7541) into a {@link FieldSink}.
 *
 * <p><b>Use.</b> One decoder per connection, on that connection's thread. Give {@link #decode} every complete
 * header block (the HEADERS fragment and its CONTINUATION fragments joined, which the frame layer bounds), in the
 * order received, including the blocks of streams that are refused or reset: each block may change the dynamic
 * table, and skipping one puts the decoder out of step with the peer.
 *
 * <p><b>Limits, enforced during decoding</b> ({@link HpackLimits}), so that a small block that expands into a huge
 * header list (an HPACK bomb: one big table entry referenced thousands of times) costs no more than reading its
 * bytes. When the decoded list passes {@code maxHeaderListSize} or {@code maxFields}, the sink gets no more fields
 * but the rest of the block is still decoded, its entries still added to the table, and the result is
 * {@link DecodeStatus#HEADER_LIST_TOO_LARGE}: the table stays in step, so only the stream is refused (431, RFC 9113
 * §10.5.1) and the connection carries on (servers differ here; ending the connection would let one oversized
 * request cost every other stream on it). The work
 * per block stays proportional to its length: indexed fields cost a byte each and nothing is copied once the
 * limit is passed, and no string is kept beyond max(maxHeaderListSize, maxTableSize) bytes, since a longer one can
 * be neither delivered nor indexed. Any invalid input is {@link DecodeStatus#COMPRESSION_ERROR}: the table state is
 * then unknown, so it is a connection error, and this decoder refuses every later block.
 *
 * <p><b>Memory.</b> The dynamic table (at most {@code maxTableSize} plus array headers) and two scratch arrays for
 * string literals that grow to the longest string decoded, bounded as above. Nothing else is allocated per block
 * except the copies that literals with incremental indexing put into the table.
 */
public final class HpackDecoder {
    private final DynamicTable table;
    private final int maxHeaderListSize;
    private final int maxFields;
    private int maxTableSize;
    /** Strings longer than this are validated and counted, not kept: no such field is delivered or indexed. */
    private int stringCap;
    private boolean sizeUpdateRequired;
    private boolean failed;
    private HpackDefect defect;
    private final Literal name = new Literal();
    private final Literal value = new Literal();

    // the block being decoded
    private ByteBuffer in;
    private int pos;
    private int end;
    private FieldSink sink;
    private long listSize;
    private int fields;

    public HpackDecoder(HpackLimits limits) {
        table = new DynamicTable(limits.maxTableSize());
        maxHeaderListSize = limits.maxHeaderListSize();
        maxFields = limits.maxFields();
        maxTableSize = limits.maxTableSize();
        stringCap = Math.max(maxHeaderListSize, maxTableSize);
    }

    /**
     * Decodes the block in {@code block}'s remaining bytes, handing each field to {@code sink} as it is decoded.
     * The block must be complete. Whatever the outcome, the buffer's position is at its limit on return; the
     * decoder keeps no reference to the buffer or the sink.
     *
     * <p>On a status other than {@link DecodeStatus#DONE} the sink may already have received some fields, which
     * the caller discards; {@link #defect()} names the cause.
     */
    public DecodeStatus decode(ByteBuffer block, FieldSink sink) {
        defect = null;
        if (failed) {
            block.position(block.limit());
            defect = HpackDefect.DECODER_FAILED_BEFORE;
            return DecodeStatus.COMPRESSION_ERROR;
        }
        in = block;
        pos = block.position();
        end = block.limit();
        this.sink = sink;
        listSize = 0;
        fields = 0;
        boolean valid = representations();
        block.position(end);
        in = null;
        this.sink = null;
        if (!valid) {
            failed = true;
            return DecodeStatus.COMPRESSION_ERROR;
        }
        return defect == null ? DecodeStatus.DONE : defect.status();
    }

    /** Why the last block was not DONE. Only to be called after a status other than DONE. */
    public HpackDefect defect() {
        if (defect == null) {
            throw new IllegalStateException("the last header block was decoded without a defect");
        }
        return defect;
    }

    /**
     * Applies a new SETTINGS_HEADER_TABLE_SIZE of ours, once the peer has acknowledged the SETTINGS frame carrying
     * it. When it is below the table's current maximum, the peer's next block must begin with a size update.
     */
    public void maxTableSize(int settingsHeaderTableSize) {
        if (settingsHeaderTableSize < 0) {
            throw new IllegalArgumentException("negative table size " + settingsHeaderTableSize);
        }
        maxTableSize = settingsHeaderTableSize;
        stringCap = Math.max(maxHeaderListSize, maxTableSize);
        if (settingsHeaderTableSize < table.maxSize()) {
            sizeUpdateRequired = true;
        }
    }

    /** The dynamic table, for tests that check its state against RFC 7541 Appendix C. */
    DynamicTable table() {
        return table;
    }

    private boolean representations() {
        boolean fieldSeen = false;
        while (pos < end) {
            int first = in.get(pos) & 0xFF;
            if ((first & 0xE0) == 0x20) {
                if (fieldSeen) {
                    return fail(HpackDefect.TABLE_SIZE_UPDATE_NOT_AT_START);
                }
                int size = integer(5);
                if (size < 0) {
                    return false;
                }
                if (size > maxTableSize) {
                    return fail(HpackDefect.TABLE_SIZE_UPDATE_TOO_LARGE);
                }
                table.resize(size);
                sizeUpdateRequired = false;
                continue;
            }
            if (sizeUpdateRequired) {
                return fail(HpackDefect.TABLE_SIZE_UPDATE_MISSING);
            }
            fieldSeen = true;
            boolean valid;
            if (first >= 0x80) {
                valid = indexed();
            } else if (first >= 0x40) {
                valid = literal(6, true, false);
            } else {
                valid = literal(4, false, first >= 0x10);
            }
            if (!valid) {
                return false;
            }
        }
        return true;
    }

    /** §6.1. */
    private boolean indexed() {
        int index = integer(7);
        if (index < 0) {
            return false;
        }
        if (index == 0 || index > StaticTable.LENGTH + table.count()) {
            return fail(HpackDefect.BAD_INDEX);
        }
        if (index <= StaticTable.LENGTH) {
            byte[] n = StaticTable.name(index);
            byte[] v = StaticTable.value(index);
            deliver(n, n.length, v, v.length, false);
        } else {
            byte[] n = table.name(index - StaticTable.LENGTH - 1);
            byte[] v = table.value(index - StaticTable.LENGTH - 1);
            deliver(n, n.length, v, v.length, false);
        }
        return true;
    }

    /** §6.2: with incremental indexing (6-bit prefix), without indexing or never indexed (4-bit prefix). */
    private boolean literal(int prefixBits, boolean indexing, boolean sensitive) {
        int index = integer(prefixBits);
        if (index < 0) {
            return false;
        }
        byte[] nameBytes;
        int nameLength;
        if (index == 0) {
            if (!string(name)) {
                return false;
            }
            nameBytes = name.bytes;
            nameLength = name.length;
        } else if (index <= StaticTable.LENGTH + table.count()) {
            nameBytes = index <= StaticTable.LENGTH ? StaticTable.name(index)
                    : table.name(index - StaticTable.LENGTH - 1);
            nameLength = nameBytes.length;
        } else {
            return fail(HpackDefect.BAD_INDEX);
        }
        if (!string(value)) {
            return false;
        }
        if (!indexing) {
            deliver(nameBytes, nameLength, value.bytes, value.length, sensitive);
        } else if (DynamicTable.entrySize(nameLength, value.length) > table.maxSize()) {
            table.evictAll();
            deliver(nameBytes, nameLength, value.bytes, value.length, false);
        } else {
            // a name taken from a table is immutable and can be shared with the new entry
            byte[] entryName = index == 0 ? Arrays.copyOf(nameBytes, nameLength) : nameBytes;
            byte[] entryValue = Arrays.copyOf(value.bytes, value.length);
            table.add(entryName, entryValue);
            deliver(entryName, nameLength, entryValue, entryValue.length, false);
        }
        return true;
    }

    /** Counts the field against the limits, then gives it to the sink unless a limit has been passed. */
    private void deliver(byte[] n, int nameLength, byte[] v, int valueLength, boolean sensitive) {
        if (defect != null) {
            return;
        }
        listSize += DynamicTable.entrySize(nameLength, valueLength);
        if (listSize > maxHeaderListSize) {
            defect = HpackDefect.HEADER_LIST_TOO_LARGE;
        } else if (++fields > maxFields) {
            defect = HpackDefect.TOO_MANY_FIELDS;
        } else {
            sink.field(n, nameLength, v, valueLength, sensitive);
        }
    }

    /** §5.2. Reads a string literal into target; a length above {@link #stringCap} means the bytes were not kept. */
    private boolean string(Literal target) {
        if (pos == end) {
            return fail(HpackDefect.TRUNCATED);
        }
        boolean huffman = in.get(pos) < 0;
        int length = integer(7);
        if (length < 0) {
            return false;
        }
        if (length > end - pos) {
            return fail(HpackDefect.TRUNCATED);
        }
        if (huffman) {
            target.ensure(Math.min(stringCap, Huffman.maxDecodedLength(length)), stringCap);
            int decoded = Huffman.decode(in, pos, pos + length, target.bytes);
            if (decoded < 0) {
                return fail(decoded == Huffman.EOS_IN_STRING ? HpackDefect.HUFFMAN_EOS : HpackDefect.HUFFMAN_PADDING);
            }
            target.length = decoded;
        } else {
            if (length <= stringCap) {
                target.ensure(length, stringCap);
                in.get(pos, target.bytes, 0, length);
            }
            target.length = length;
        }
        pos += length;
        return true;
    }

    /**
     * §5.1: the integer that starts in the low {@code prefixBits} of the byte at pos, or -1 (defect set) when it
     * is truncated, above 2^31-1, or has more than five continuation bytes. The caller made sure pos < end.
     */
    private int integer(int prefixBits) {
        int mask = (1 << prefixBits) - 1;
        int prefix = in.get(pos++) & mask;
        if (prefix < mask) {
            return prefix;
        }
        long sum = prefix;
        for (int shift = 0; shift <= 28; shift += 7) {
            if (pos == end) {
                fail(HpackDefect.TRUNCATED);
                return -1;
            }
            byte b = in.get(pos++);
            sum += (long) (b & 0x7F) << shift;
            if (sum > Integer.MAX_VALUE) {
                break;
            }
            if (b >= 0) {
                return (int) sum;
            }
        }
        fail(HpackDefect.INTEGER_OVERFLOW);
        return -1;
    }

    private boolean fail(HpackDefect cause) {
        defect = cause;
        return false;
    }

    /** A reusable buffer for one string literal: bytes[0, length) when length <= the cap it was filled under. */
    private static final class Literal {
        byte[] bytes = new byte[64];
        int length;

        void ensure(int needed, int cap) {
            if (bytes.length < needed) {
                bytes = Arrays.copyOf(bytes, Math.max(needed, (int) Math.min(cap, 2L * bytes.length)));
            }
        }
    }
}
