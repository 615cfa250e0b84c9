package dev.rsp.core.h2;

/**
 * What the peer may still send on a stream or on the connection (RFC 9113 §6.9), and the policy that gives it more:
 * credit goes back only for bytes the consumer (the backend side of the request) has taken, and only once half of
 * the window's size has been taken, so WINDOW_UPDATE frames stay few and the bytes received and not consumed never
 * exceed the size rsp advertised. That is the memory bound: per stream its size, per connection the connection's.
 * Loop thread only.
 */
public final class ReceiveWindow {

    /** The window rsp grants (its advertised initial window, or the connection window). */
    private int size;
    /** What the peer may still send; negative after {@link #resize} to a smaller size. */
    private long window;
    /** Consumed bytes not yet given back by a WINDOW_UPDATE. */
    private int unannounced;

    public ReceiveWindow(int size) {
        this.size = size;
        this.window = size;
    }

    public long window() {
        return window;
    }

    public int size() {
        return size;
    }

    /** Received and not consumed, plus consumed and not yet announced: what the peer cannot send again yet. */
    public long outstanding() {
        return size - window;
    }

    /**
     * {@code n} flow-controlled bytes arrived. False when they exceed the window: a FLOW_CONTROL_ERROR (§6.9.1), the
     * window then unchanged.
     */
    public boolean receive(int n) {
        if (n > window) {
            return false;
        }
        window -= n;
        return true;
    }

    /**
     * {@code n} received bytes were consumed (or dropped). Returns the increment to send in a WINDOW_UPDATE now, 0
     * while less than half the size waits to be announced; the window counts it as granted.
     */
    public int consumed(int n) {
        unannounced += n;
        if (unannounced < Math.max(1, size / 2)) {
            return 0;
        }
        int increment = unannounced;
        unannounced = 0;
        window += increment;
        return increment;
    }

    /** rsp's advertised size changed (its SETTINGS were acknowledged): the window moves by the difference. */
    public void resize(int newSize) {
        window += (long) newSize - size;
        size = newSize;
    }
}
