package dev.rsp.core.http;

import java.nio.ByteBuffer;

/**
 * Walks the comma-separated elements of a field value ({@code #element} lists), each trimmed of OWS, without
 * allocating. Empty elements are reported too; the caller decides whether to skip them. Reusable; one thread.
 */
final class FieldList {
    private ByteBuffer buf;
    private int cursor;
    private int end;
    /** The current element is buf[start, stop). */
    int start;
    int stop;

    void of(ByteBuffer source, int valueStart, int valueEnd) {
        buf = source;
        cursor = valueStart;
        end = valueEnd;
    }

    /** Advances to the next element; false when the value is exhausted. */
    boolean next() {
        if (cursor > end) {
            buf = null;
            return false;
        }
        int comma = cursor;
        while (comma < end && buf.get(comma) != ',') {
            comma++;
        }
        start = cursor;
        stop = comma;
        while (start < stop && CharClass.ows(CharClass.at(buf, start))) {
            start++;
        }
        while (stop > start && CharClass.ows(CharClass.at(buf, stop - 1))) {
            stop--;
        }
        cursor = comma + 1;
        return true;
    }

    boolean empty() {
        return start == stop;
    }

    boolean is(String lowerCase) {
        return CharClass.equalsLowerCase(buf, start, stop, lowerCase);
    }
}
