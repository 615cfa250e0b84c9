package dev.rsp.core.h2;

/**
 * What this endpoint may still send on a stream or on the connection (RFC 9113 §6.9): it shrinks as DATA is sent and
 * grows by the peer's WINDOW_UPDATE frames. It may be negative after the peer lowers SETTINGS_INITIAL_WINDOW_SIZE
 * (§6.9.2); then nothing may be sent until updates bring it above zero. Whether an error is a stream or a connection
 * error is the caller's to say (the connection's window is the one on stream 0). Loop thread only.
 */
public final class SendWindow {

    private long window;

    public SendWindow(int initial) {
        this.window = initial;
    }

    /** The window, possibly negative. */
    public long window() {
        return window;
    }

    /** How much of {@code want} bytes may be sent now: 0 when the window is used up or negative. */
    public int allowed(int want) {
        return (int) Math.max(0, Math.min(want, window));
    }

    /** {@code n} bytes of DATA were sent (the caller kept within {@link #allowed}). */
    public void spend(int n) {
        window -= n;
    }

    /**
     * A WINDOW_UPDATE: NO_ERROR; PROTOCOL_ERROR for an increment of 0 (§6.9); FLOW_CONTROL_ERROR when the window
     * would pass 2^31-1 (§6.9.1). On an error the window is unchanged.
     */
    public ErrorCode grow(int increment) {
        if (increment <= 0) {
            return ErrorCode.PROTOCOL_ERROR;
        }
        if (window + increment > Settings.MAX_WINDOW) {
            return ErrorCode.FLOW_CONTROL_ERROR;
        }
        window += increment;
        return ErrorCode.NO_ERROR;
    }

    /**
     * The peer changed SETTINGS_INITIAL_WINDOW_SIZE by {@code delta} (new minus old): every stream window moves by it
     * (§6.9.2). False when the window would pass 2^31-1: a connection error FLOW_CONTROL_ERROR; unchanged then.
     */
    public boolean adjust(long delta) {
        if (window + delta > Settings.MAX_WINDOW) {
            return false;
        }
        window += delta;
        return true;
    }
}
