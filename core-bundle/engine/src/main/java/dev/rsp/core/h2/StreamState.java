package dev.rsp.core.h2;

/**
 * The states of a stream (RFC 9113 §5.1), from this endpoint's side: "remote" is the peer. The reserved states are
 * missing: push is off both ways. Transitions are pure functions so that the table of §5.1 can be tested on its own;
 * {@link #opened} is the server side's (the client side's stream goes from IDLE to OPEN when it sends its HEADERS).
 */
public enum StreamState {
    IDLE, OPEN, HALF_CLOSED_REMOTE, HALF_CLOSED_LOCAL, CLOSED;

    /** The peer may still send HEADERS (trailers) and DATA. */
    public boolean peerMaySend() {
        return this == OPEN || this == HALF_CLOSED_LOCAL;
    }

    /** This endpoint may still send HEADERS and DATA. */
    public boolean weMaySend() {
        return this == OPEN || this == HALF_CLOSED_REMOTE;
    }

    /** Counts against SETTINGS_MAX_CONCURRENT_STREAMS (§5.1.2). */
    public boolean active() {
        return this == OPEN || this == HALF_CLOSED_REMOTE || this == HALF_CLOSED_LOCAL;
    }

    /** A HEADERS frame received in IDLE opens the stream; with END_STREAM it is half-closed (remote) at once. */
    public StreamState opened(boolean endStream) {
        if (this != IDLE) {
            throw new IllegalStateException("open from " + this);
        }
        return endStream ? HALF_CLOSED_REMOTE : OPEN;
    }

    /** The peer's END_STREAM: OPEN to HALF_CLOSED_REMOTE, HALF_CLOSED_LOCAL to CLOSED; otherwise unchanged. */
    public StreamState remoteEnded() {
        return switch (this) {
            case OPEN -> HALF_CLOSED_REMOTE;
            case HALF_CLOSED_LOCAL -> CLOSED;
            default -> this;
        };
    }

    /** This endpoint's END_STREAM: OPEN to HALF_CLOSED_LOCAL, HALF_CLOSED_REMOTE to CLOSED; otherwise unchanged. */
    public StreamState localEnded() {
        return switch (this) {
            case OPEN -> HALF_CLOSED_LOCAL;
            case HALF_CLOSED_REMOTE -> CLOSED;
            default -> this;
        };
    }
}
