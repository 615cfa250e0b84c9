package dev.rsp.core.h2.hpack;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Encodes the header blocks rsp sends on one HTTP/2 connection (RFC 7541): response heads and trailers, later
 * requests to HTTP/2 backends.
 *
 * <p><b>Use.</b> One encoder per connection, on that connection's thread. A block is {@link #startBlock} followed
 * by {@link #status} (for a response) and the {@code field} calls; there is no end call. Blocks must reach the
 * peer in the order they were encoded, and every block encoded must be sent: its fields are already in this
 * encoder's dynamic table. Each method writes at {@code out}'s position; when fewer bytes remain than it may need
 * ({@link #maxFieldLength}, or 12 for {@code startBlock}) it returns false having written nothing and changed
 * nothing, and the caller makes room (sends what it has as HEADERS or CONTINUATION, or takes a larger buffer) and
 * calls again. Names are lower-cased as they are encoded; names and values are octets (chars above 0xFF in a
 * {@code CharSequence} are truncated to their low byte, so callers pass Latin-1).
 *
 * <p><b>Representations.</b> A field equal to a static entry, or to a dynamic one when the field is indexed, is
 * sent as its index. Otherwise the name is sent as an index when a table has it (the static table first), and
 * strings are Huffman-coded unless that is longer (ties go to Huffman, as in the RFC's examples). Fields are:
 * <ul>
 * <li>never indexed (§7.1.3: kept out of every table and so out of reach of compression probing): authorization,
 *     proxy-authorization, set-cookie, cookie values under 20 bytes, and every field the caller marks sensitive,
 *     such as one that arrived never indexed. Jetty never indexes authorization and set-cookie, nghttp2
 *     authorization and short cookies; rsp takes both lists and adds proxy-authorization;</li>
 * <li>not indexed, because their values rarely repeat and would only push useful entries out: :path, age,
 *     content-length, content-range, etag, if-match, if-modified-since, if-none-match, if-range,
 *     if-unmodified-since, last-modified, location, range, retry-after (the union of nghttp2's and Jetty's
 *     lists), and any field whose entry would fill more than 3/4 of the table (nghttp2's rule);</li>
 * <li>indexed otherwise, :status and date included.</li>
 * </ul>
 *
 * <p><b>Table size.</b> The table is at most the smaller of {@code maxTableSize} (ours, 4,096 by default) and the
 * peer's SETTINGS_HEADER_TABLE_SIZE (4,096 until it says otherwise, {@link #peerMaxTableSize}). After a change, the
 * next block starts with the dynamic table size updates §4.2 asks for: the smallest size reached since the last
 * block when that is below the table's, then the final size. Linear searches of the dynamic table stay short: it
 * holds at most maxTableSize / 32 entries.
 */
public final class HpackEncoder {
    public static final int DEFAULT_TABLE_SIZE = 4096;
    /** Two dynamic table size updates. */
    private static final int BLOCK_START_LENGTH = 12;

    /** How fields are chosen for the dynamic table; ALL only to reproduce RFC 7541 Appendix C. */
    enum Indexing { SELECTIVE, ALL }

    private static final int INDEXED = 0;
    private static final int NOT_INDEXED = 1;
    private static final int NEVER_INDEXED = 2;

    private final DynamicTable table;
    private final int maxTableSize;
    private final Indexing indexing;
    private final boolean huffman;
    /** The table size to use: min(maxTableSize, the peer's setting). */
    private int targetSize;
    /** The smallest targetSize since the last block started. */
    private int lowestSize;
    private byte[] name = new byte[64];
    private byte[] value = new byte[256];

    public HpackEncoder() {
        this(DEFAULT_TABLE_SIZE);
    }

    /** @param maxTableSize the largest dynamic table this encoder uses, whatever the peer allows */
    public HpackEncoder(int maxTableSize) {
        this(maxTableSize, Indexing.SELECTIVE, true, DEFAULT_TABLE_SIZE);
    }

    /** @param initialTableSize the table size both sides assume before any update (4,096 in HTTP/2) */
    HpackEncoder(int maxTableSize, Indexing indexing, boolean huffman, int initialTableSize) {
        if (maxTableSize < 0) {
            throw new IllegalArgumentException("negative table size " + maxTableSize);
        }
        this.table = new DynamicTable(initialTableSize);
        this.maxTableSize = maxTableSize;
        this.indexing = indexing;
        this.huffman = huffman;
        this.targetSize = Math.min(maxTableSize, initialTableSize);
        this.lowestSize = targetSize;
    }

    /**
     * Takes the peer's SETTINGS_HEADER_TABLE_SIZE when its SETTINGS frame is processed, between blocks; the next
     * block starts by announcing the new size.
     */
    public void peerMaxTableSize(int settingsHeaderTableSize) {
        if (settingsHeaderTableSize < 0) {
            throw new IllegalArgumentException("negative table size " + settingsHeaderTableSize);
        }
        targetSize = Math.min(maxTableSize, settingsHeaderTableSize);
        lowestSize = Math.min(lowestSize, targetSize);
    }

    /** Begins a header block, with the table size updates a settings change calls for; false when out lacks room. */
    public boolean startBlock(ByteBuffer out) {
        if (out.remaining() < BLOCK_START_LENGTH) {
            return false;
        }
        if (lowestSize < table.maxSize()) {
            writeInteger(out, 0x20, 5, lowestSize);
            table.resize(lowestSize);
        }
        if (targetSize != table.maxSize()) {
            writeInteger(out, 0x20, 5, targetSize);
            table.resize(targetSize);
        }
        lowestSize = targetSize;
        return true;
    }

    /** The :status pseudo-header field of a response (100 to 999); false when out lacks room. */
    public boolean status(ByteBuffer out, int status) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status " + status);
        }
        if (out.remaining() < maxFieldLength(StaticTable.name(StaticTable.STATUS).length, 3)) {
            return false;
        }
        byte[] statusName = StaticTable.name(StaticTable.STATUS);
        System.arraycopy(statusName, 0, name, 0, statusName.length);
        value[0] = (byte) ('0' + status / 100);
        value[1] = (byte) ('0' + status / 10 % 10);
        value[2] = (byte) ('0' + status % 10);
        return encode(out, statusName.length, 3, false);
    }

    /** A field given as Latin-1 text, such as one rsp writes itself; false when out lacks room. */
    public boolean field(ByteBuffer out, CharSequence fieldName, CharSequence fieldValue) {
        int nameLength = fieldName.length();
        int valueLength = fieldValue.length();
        if (out.remaining() < maxFieldLength(nameLength, valueLength)) {
            return false;
        }
        ensure(nameLength, valueLength);
        for (int i = 0; i < nameLength; i++) {
            name[i] = lowerCase((byte) fieldName.charAt(i));
        }
        for (int i = 0; i < valueLength; i++) {
            value[i] = (byte) fieldValue.charAt(i);
        }
        return encode(out, nameLength, valueLength, false);
    }

    /**
     * A field given as ranges of a buffer, e.g. of a parsed HTTP/1.1 response head: the name is
     * source[nameStart, nameEnd), the value source[valueStart, valueEnd), absolute indexes (the source's position
     * is not used or moved). False when out lacks room.
     */
    public boolean field(ByteBuffer out, ByteBuffer source, int nameStart, int nameEnd, int valueStart, int valueEnd) {
        int nameLength = nameEnd - nameStart;
        int valueLength = valueEnd - valueStart;
        if (out.remaining() < maxFieldLength(nameLength, valueLength)) {
            return false;
        }
        ensure(nameLength, valueLength);
        for (int i = 0; i < nameLength; i++) {
            name[i] = lowerCase(source.get(nameStart + i));
        }
        source.get(valueStart, value, 0, valueLength);
        return encode(out, nameLength, valueLength, false);
    }

    /**
     * A field given as octets, as a {@link FieldSink} receives them; {@code sensitive} forces the never-indexed
     * representation. False when out lacks room.
     */
    public boolean field(ByteBuffer out, byte[] fieldName, int nameLength, byte[] fieldValue, int valueLength,
            boolean sensitive) {
        if (out.remaining() < maxFieldLength(nameLength, valueLength)) {
            return false;
        }
        ensure(nameLength, valueLength);
        for (int i = 0; i < nameLength; i++) {
            name[i] = lowerCase(fieldName[i]);
        }
        System.arraycopy(fieldValue, 0, value, 0, valueLength);
        return encode(out, nameLength, valueLength, sensitive);
    }

    /** The most bytes one field can take: the representation with its index, then two length-prefixed strings. */
    public static int maxFieldLength(int nameLength, int valueLength) {
        return (int) Math.min(Integer.MAX_VALUE, 18L + nameLength + valueLength);
    }

    /** The dynamic table, for tests that check its state against RFC 7541 Appendix C. */
    DynamicTable table() {
        return table;
    }

    /** Encodes name[0, nameLength) and value[0, valueLength); the caller checked the room. */
    private boolean encode(ByteBuffer out, int nameLength, int valueLength, boolean sensitive) {
        int staticName = StaticTable.nameIndex(name, nameLength);
        int kind = sensitive ? NEVER_INDEXED : kind(staticName, nameLength, valueLength);
        if (kind != NEVER_INDEXED) {
            int index = staticName == 0 ? 0 : StaticTable.fieldIndex(staticName, value, valueLength);
            if (index == 0 && kind == INDEXED) {
                int entry = table.indexOf(name, nameLength, value, valueLength);
                index = entry < 0 ? 0 : StaticTable.LENGTH + 1 + entry;
            }
            if (index != 0) {
                writeInteger(out, 0x80, 7, index);
                return true;
            }
        }
        int nameIndex = staticName;
        byte[] tableName = staticName == 0 ? null : StaticTable.name(staticName);
        if (nameIndex == 0) {
            int entry = table.indexOfName(name, nameLength);
            if (entry >= 0) {
                nameIndex = StaticTable.LENGTH + 1 + entry;
                tableName = table.name(entry);
            }
        }
        switch (kind) {
            case INDEXED -> writeInteger(out, 0x40, 6, nameIndex);
            case NOT_INDEXED -> writeInteger(out, 0x00, 4, nameIndex);
            default -> writeInteger(out, 0x10, 4, nameIndex);
        }
        if (nameIndex == 0) {
            writeString(out, name, nameLength);
        }
        writeString(out, value, valueLength);
        if (kind == INDEXED) {
            // a name from a table is immutable and shared; new names and every value are copied
            table.add(tableName != null ? tableName : Arrays.copyOf(name, nameLength), Arrays.copyOf(value, valueLength));
        }
        return true;
    }

    private int kind(int staticName, int nameLength, int valueLength) {
        if (indexing == Indexing.ALL) {
            return INDEXED;
        }
        switch (staticName) {
            case StaticTable.AUTHORIZATION, StaticTable.PROXY_AUTHORIZATION, StaticTable.SET_COOKIE:
                return NEVER_INDEXED;
            case StaticTable.COOKIE:
                if (valueLength < 20) {
                    return NEVER_INDEXED;
                }
                break;
            case StaticTable.PATH, StaticTable.AGE, StaticTable.CONTENT_LENGTH, StaticTable.CONTENT_RANGE,
                    StaticTable.ETAG, StaticTable.IF_MATCH, StaticTable.IF_MODIFIED_SINCE, StaticTable.IF_NONE_MATCH,
                    StaticTable.IF_RANGE, StaticTable.IF_UNMODIFIED_SINCE, StaticTable.LAST_MODIFIED,
                    StaticTable.LOCATION, StaticTable.RANGE, StaticTable.RETRY_AFTER:
                return NOT_INDEXED;
            default:
                break;
        }
        return DynamicTable.entrySize(nameLength, valueLength) > table.maxSize() * 3L / 4 ? NOT_INDEXED : INDEXED;
    }

    /** §5.2: Huffman-coded unless that is longer. */
    private void writeString(ByteBuffer out, byte[] bytes, int length) {
        if (huffman) {
            int coded = Huffman.encodedLength(bytes, length);
            if (coded <= length) {
                writeInteger(out, 0x80, 7, coded);
                Huffman.encode(bytes, length, out);
                return;
            }
        }
        writeInteger(out, 0x00, 7, length);
        out.put(bytes, 0, length);
    }

    /** §5.1: value in the low prefixBits of a first byte that carries flags, then 7 bits per continuation byte. */
    static void writeInteger(ByteBuffer out, int flags, int prefixBits, int value) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            out.put((byte) (flags | value));
            return;
        }
        out.put((byte) (flags | max));
        int rest = value - max;
        while (rest >= 0x80) {
            out.put((byte) (rest & 0x7F | 0x80));
            rest >>>= 7;
        }
        out.put((byte) rest);
    }

    private void ensure(int nameLength, int valueLength) {
        if (name.length < nameLength) {
            name = new byte[Math.max(nameLength, 2 * name.length)];
        }
        if (value.length < valueLength) {
            value = new byte[Math.max(valueLength, 2 * value.length)];
        }
    }

    private static byte lowerCase(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
    }
}
