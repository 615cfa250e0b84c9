package dev.rsp.core.h2;

/** The frame types of RFC 9113 §6, by their code on the wire. A type rsp does not know is ignored (§4.1, §5.5). */
public final class FrameType {
    public static final int DATA = 0x0;
    public static final int HEADERS = 0x1;
    public static final int PRIORITY = 0x2;
    public static final int RST_STREAM = 0x3;
    public static final int SETTINGS = 0x4;
    public static final int PUSH_PROMISE = 0x5;
    public static final int PING = 0x6;
    public static final int GOAWAY = 0x7;
    public static final int WINDOW_UPDATE = 0x8;
    public static final int CONTINUATION = 0x9;

    /** The size of a frame header: length (24 bits), type, flags, stream identifier (31 bits). */
    public static final int HEADER_LENGTH = 9;

    private FrameType() {
    }

    /** The name of a type, for messages; {@code UNKNOWN(0x..)} for one outside RFC 9113. */
    public static String name(int type) {
        return switch (type) {
            case DATA -> "DATA";
            case HEADERS -> "HEADERS";
            case PRIORITY -> "PRIORITY";
            case RST_STREAM -> "RST_STREAM";
            case SETTINGS -> "SETTINGS";
            case PUSH_PROMISE -> "PUSH_PROMISE";
            case PING -> "PING";
            case GOAWAY -> "GOAWAY";
            case WINDOW_UPDATE -> "WINDOW_UPDATE";
            case CONTINUATION -> "CONTINUATION";
            default -> "UNKNOWN(0x" + Integer.toHexString(type) + ")";
        };
    }
}
