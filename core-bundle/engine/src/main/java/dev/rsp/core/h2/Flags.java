package dev.rsp.core.h2;

/** The frame flags of RFC 9113 §6 (one byte; which bits mean what depends on the frame type). */
public final class Flags {
    /** DATA, HEADERS: the last frame the sender sends on the stream. */
    public static final int END_STREAM = 0x1;
    /** SETTINGS, PING: an acknowledgement. */
    public static final int ACK = 0x1;
    /** HEADERS, CONTINUATION: the field block ends with this frame. */
    public static final int END_HEADERS = 0x4;
    /** DATA, HEADERS: a pad length byte comes first and that many bytes of padding last. */
    public static final int PADDED = 0x8;
    /** HEADERS: the (deprecated) priority fields come after the pad length: 4 bytes of dependency and a weight. */
    public static final int PRIORITY = 0x20;

    private Flags() {
    }

    public static boolean has(int flags, int flag) {
        return (flags & flag) != 0;
    }
}
