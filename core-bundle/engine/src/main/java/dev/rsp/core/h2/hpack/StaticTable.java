package dev.rsp.core.h2.hpack;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The HPACK static table (RFC 7541 Appendix A), indexes 1 to 61, with the lookups the encoder needs. The arrays
 * handed out are shared by every connection and must never be modified. Safe on any thread.
 */
final class StaticTable {
    static final int LENGTH = 61;

    static final int AUTHORITY = 1;
    static final int PATH = 4;
    static final int STATUS = 8;
    static final int AGE = 21;
    static final int AUTHORIZATION = 23;
    static final int CONTENT_LENGTH = 28;
    static final int CONTENT_RANGE = 30;
    static final int COOKIE = 32;
    static final int ETAG = 34;
    static final int IF_MATCH = 39;
    static final int IF_MODIFIED_SINCE = 40;
    static final int IF_NONE_MATCH = 41;
    static final int IF_RANGE = 42;
    static final int IF_UNMODIFIED_SINCE = 43;
    static final int LAST_MODIFIED = 44;
    static final int LOCATION = 46;
    static final int PROXY_AUTHORIZATION = 49;
    static final int RANGE = 50;
    static final int RETRY_AFTER = 53;
    static final int SET_COOKIE = 55;

    private static final String[][] ENTRIES = {
        {":authority", ""}, {":method", "GET"}, {":method", "POST"}, {":path", "/"}, {":path", "/index.html"},
        {":scheme", "http"}, {":scheme", "https"}, {":status", "200"}, {":status", "204"}, {":status", "206"},
        {":status", "304"}, {":status", "400"}, {":status", "404"}, {":status", "500"}, {"accept-charset", ""},
        {"accept-encoding", "gzip, deflate"}, {"accept-language", ""}, {"accept-ranges", ""}, {"accept", ""},
        {"access-control-allow-origin", ""}, {"age", ""}, {"allow", ""}, {"authorization", ""},
        {"cache-control", ""}, {"content-disposition", ""}, {"content-encoding", ""}, {"content-language", ""},
        {"content-length", ""}, {"content-location", ""}, {"content-range", ""}, {"content-type", ""},
        {"cookie", ""}, {"date", ""}, {"etag", ""}, {"expect", ""}, {"expires", ""}, {"from", ""}, {"host", ""},
        {"if-match", ""}, {"if-modified-since", ""}, {"if-none-match", ""}, {"if-range", ""},
        {"if-unmodified-since", ""}, {"last-modified", ""}, {"link", ""}, {"location", ""}, {"max-forwards", ""},
        {"proxy-authenticate", ""}, {"proxy-authorization", ""}, {"range", ""}, {"referer", ""}, {"refresh", ""},
        {"retry-after", ""}, {"server", ""}, {"set-cookie", ""}, {"strict-transport-security", ""},
        {"transfer-encoding", ""}, {"user-agent", ""}, {"vary", ""}, {"via", ""}, {"www-authenticate", ""},
    };

    /** Index 0 is unused so that HPACK indexes can be used directly; entries of one name share the name array. */
    private static final byte[][] NAMES = new byte[LENGTH + 1][];
    private static final byte[][] VALUES = new byte[LENGTH + 1][];
    /** Open addressing by name hash: the lowest index of each distinct name, 0 for an empty slot. */
    private static final byte[] BY_NAME = new byte[128];

    static {
        for (int i = 1; i <= LENGTH; i++) {
            byte[] name = ENTRIES[i - 1][0].getBytes(StandardCharsets.ISO_8859_1);
            boolean sameAsBefore = i > 1 && Arrays.equals(name, NAMES[i - 1]);
            NAMES[i] = sameAsBefore ? NAMES[i - 1] : name;
            VALUES[i] = ENTRIES[i - 1][1].getBytes(StandardCharsets.ISO_8859_1);
            if (!sameAsBefore) {
                int slot = hash(name, name.length);
                while (BY_NAME[slot] != 0) {
                    slot = (slot + 1) & (BY_NAME.length - 1);
                }
                BY_NAME[slot] = (byte) i;
            }
        }
    }

    private StaticTable() {
    }

    static byte[] name(int index) {
        return NAMES[index];
    }

    static byte[] value(int index) {
        return VALUES[index];
    }

    /** The lowest index whose name is name[0, length), or 0. */
    static int nameIndex(byte[] name, int length) {
        int slot = hash(name, length);
        while (true) {
            int index = BY_NAME[slot];
            if (index == 0) {
                return 0;
            }
            if (Arrays.equals(NAMES[index], 0, NAMES[index].length, name, 0, length)) {
                return index;
            }
            slot = (slot + 1) & (BY_NAME.length - 1);
        }
    }

    /** The index of the entry named like {@code nameIndex} whose value is value[0, length), or 0. */
    static int fieldIndex(int nameIndex, byte[] value, int length) {
        for (int i = nameIndex; i <= LENGTH && NAMES[i] == NAMES[nameIndex]; i++) {
            if (Arrays.equals(VALUES[i], 0, VALUES[i].length, value, 0, length)) {
                return i;
            }
        }
        return 0;
    }

    private static int hash(byte[] name, int length) {
        int h = length;
        for (int i = 0; i < length; i++) {
            h = 31 * h + name[i];
        }
        return (h ^ h >>> 7) & (BY_NAME.length - 1);
    }
}
