package dev.rsp.core.h2;

import java.nio.ByteBuffer;

/**
 * The control frames a session has to send and has not written yet (the client preface, SETTINGS, their ACK, PINGs,
 * WINDOW_UPDATE, RST_STREAM, GOAWAY), in order, as a bounded ring of small records: nothing is allocated per frame once the ring has
 * grown to what the connection needs. Bounded by {@code capacity}; a GOAWAY always finds room (it is the answer to
 * a full queue). Loop thread only.
 */
final class ControlQueue {

    static final byte SETTINGS = 0;
    static final byte SETTINGS_ACK = 1;
    static final byte PING = 2;
    static final byte PING_ACK = 3;
    static final byte WINDOW_UPDATE = 4;
    static final byte RST_STREAM = 5;
    static final byte GOAWAY = 6;
    /** The client connection preface (not a frame, but owed first, and written whole like one). */
    static final byte PREFACE = 7;

    /** Room beyond the capacity for GOAWAYs: the drain's two and a connection error's. */
    private static final int RESERVE = 3;

    private final int capacity;
    private byte[] kinds = new byte[8];
    private int[] ids = new int[8];
    private long[] values = new long[8];
    private int head;
    private int size;
    private final int[] perKind = new int[PREFACE + 1];

    /** @param capacity the most frames queued at once (GOAWAY aside) */
    ControlQueue(int capacity) {
        this.capacity = capacity;
    }

    int size() {
        return size;
    }

    /** True while a frame of this kind waits to be written. */
    boolean holds(byte kind) {
        return perKind[kind] > 0;
    }

    /**
     * Queues a frame: {@code id} is the stream (or a GOAWAY's last stream), {@code value} the error code, increment or
     * PING payload. False when the queue is full (a GOAWAY is always taken).
     */
    boolean add(byte kind, int id, long value) {
        if (size >= capacity && (kind != GOAWAY || size >= capacity + RESERVE)) {
            return false;
        }
        if (size == kinds.length) {
            grow();
        }
        int i = (head + size) & (kinds.length - 1);
        kinds[i] = kind;
        ids[i] = id;
        values[i] = value;
        size++;
        perKind[kind]++;
        return true;
    }

    /**
     * Writes queued frames into {@code out} in order while whole frames fit; {@code local} is what a SETTINGS record
     * stands for. True when the queue is empty afterwards.
     */
    boolean writeTo(ByteBuffer out, Settings local) {
        while (size > 0) {
            int i = head;
            byte kind = kinds[i];
            int id = ids[i];
            long value = values[i];
            boolean written = switch (kind) {
                case SETTINGS -> FrameWriter.settings(out, local);
                case SETTINGS_ACK -> FrameWriter.settingsAck(out);
                case PING -> FrameWriter.ping(out, value, false);
                case PING_ACK -> FrameWriter.ping(out, value, true);
                case WINDOW_UPDATE -> FrameWriter.windowUpdate(out, id, (int) value);
                case RST_STREAM -> FrameWriter.rstStream(out, id, ErrorCode.of((int) value));
                case PREFACE -> Preface.write(out);
                default -> FrameWriter.goAway(out, id, ErrorCode.of((int) value));
            };
            if (!written) {
                return false;
            }
            head = (head + 1) & (kinds.length - 1);
            size--;
            perKind[kind]--;
        }
        return true;
    }

    private void grow() {
        int n = kinds.length;
        byte[] k = new byte[n * 2];
        int[] d = new int[n * 2];
        long[] v = new long[n * 2];
        for (int j = 0; j < size; j++) {
            int i = (head + j) & (n - 1);
            k[j] = kinds[i];
            d[j] = ids[i];
            v[j] = values[i];
        }
        kinds = k;
        ids = d;
        values = v;
        head = 0;
    }
}
