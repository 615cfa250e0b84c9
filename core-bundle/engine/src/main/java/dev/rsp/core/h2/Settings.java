package dev.rsp.core.h2;

/**
 * A set of SETTINGS parameters (RFC 9113 §6.5.2): one object serves as an endpoint's current settings (every value,
 * RFC defaults until changed) and as the parameters one SETTINGS frame carries ({@link #has} tells which). Values are
 * unsigned 32-bit numbers held in a long. Parameters with identifiers rsp does not know are ignored (§6.5.2) and not
 * kept. Not thread-safe; owned by one session (loop thread).
 */
public final class Settings {

    public static final int HEADER_TABLE_SIZE = 0x1;
    public static final int ENABLE_PUSH = 0x2;
    public static final int MAX_CONCURRENT_STREAMS = 0x3;
    public static final int INITIAL_WINDOW_SIZE = 0x4;
    public static final int MAX_FRAME_SIZE = 0x5;
    public static final int MAX_HEADER_LIST_SIZE = 0x6;

    /** The window every stream and the connection start with (§6.9.2). */
    public static final int DEFAULT_WINDOW = 65_535;
    /** The largest window (§6.9.1): 2^31-1. */
    public static final int MAX_WINDOW = Integer.MAX_VALUE;
    /** The smallest MAX_FRAME_SIZE, also its initial value (§6.5.2). */
    public static final int MIN_MAX_FRAME_SIZE = 16_384;
    /** The largest MAX_FRAME_SIZE (§6.5.2): 2^24-1. */
    public static final int MAX_MAX_FRAME_SIZE = 16_777_215;
    /** "Unlimited" for MAX_CONCURRENT_STREAMS and MAX_HEADER_LIST_SIZE: the largest value a parameter can carry. */
    public static final long UNLIMITED = 0xFFFF_FFFFL;

    private static final int KNOWN = 6;
    private static final long[] DEFAULTS = {0, 4096, 1, UNLIMITED, DEFAULT_WINDOW, MIN_MAX_FRAME_SIZE, UNLIMITED};

    private final long[] values = DEFAULTS.clone();
    /** Bit {@code id} set: the parameter was set (a frame carried it, or it is to be advertised). */
    private int present;

    /** True for the identifiers of §6.5.2. */
    public static boolean known(int id) {
        return id >= 1 && id <= KNOWN;
    }

    /**
     * Whether a received value is acceptable (§6.5.2): ENABLE_PUSH 0 or 1, INITIAL_WINDOW_SIZE at most 2^31-1,
     * MAX_FRAME_SIZE from 2^14 to 2^24-1; anything for the others and for unknown identifiers.
     *
     * @return NO_ERROR, or the connection error the value calls for (PROTOCOL_ERROR, FLOW_CONTROL_ERROR)
     */
    public static ErrorCode check(int id, long value) {
        return switch (id) {
            case ENABLE_PUSH -> value <= 1 ? ErrorCode.NO_ERROR : ErrorCode.PROTOCOL_ERROR;
            case INITIAL_WINDOW_SIZE -> value <= MAX_WINDOW ? ErrorCode.NO_ERROR : ErrorCode.FLOW_CONTROL_ERROR;
            case MAX_FRAME_SIZE -> value >= MIN_MAX_FRAME_SIZE && value <= MAX_MAX_FRAME_SIZE
                    ? ErrorCode.NO_ERROR : ErrorCode.PROTOCOL_ERROR;
            default -> ErrorCode.NO_ERROR;
        };
    }

    /** The value of a known parameter (its RFC default until set). */
    public long get(int id) {
        return values[id];
    }

    /** True when the parameter was set since creation or {@link #clear}. */
    public boolean has(int id) {
        return known(id) && (present & (1 << id)) != 0;
    }

    /** Sets a known parameter (the caller checked it with {@link #check}); an unknown identifier is ignored. */
    public Settings set(int id, long value) {
        if (known(id)) {
            values[id] = value;
            present |= 1 << id;
        }
        return this;
    }

    /** Back to the RFC defaults with no parameter set: ready to hold the next frame's parameters. */
    public void clear() {
        System.arraycopy(DEFAULTS, 0, values, 0, values.length);
        present = 0;
    }

    /** Takes the parameters {@code frame} carries, keeping the others. */
    public void merge(Settings frame) {
        for (int id = 1; id <= KNOWN; id++) {
            if (frame.has(id)) {
                set(id, frame.values[id]);
            }
        }
    }

    /** How many parameters are set: a SETTINGS frame carrying them is six bytes each. */
    public int count() {
        return Integer.bitCount(present);
    }

    public int initialWindowSize() {
        return (int) values[INITIAL_WINDOW_SIZE];
    }

    public int maxFrameSize() {
        return (int) values[MAX_FRAME_SIZE];
    }

    public long headerTableSize() {
        return values[HEADER_TABLE_SIZE];
    }

    public long maxConcurrentStreams() {
        return values[MAX_CONCURRENT_STREAMS];
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Settings{");
        for (int id = 1; id <= KNOWN; id++) {
            if (has(id)) {
                b.append(b.length() > 9 ? ", " : "").append(id).append('=').append(values[id]);
            }
        }
        return b.append('}').toString();
    }
}
