package dev.rsp.core.net;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;

/**
 * TCP_NODELAY set only when it can matter. Nagle's algorithm holds a small segment back only while earlier data is
 * unacknowledged, and a close sends what it holds at once: an answer that goes out in one write before the connection
 * closes (a client's {@code Connection: close}) never needs the option, and its system call is saved. It is set before
 * the second write, or as soon as the owner knows the connection is kept alive ({@link #now}). That is nginx's rule too
 * (TCP_NODELAY once a connection is kept alive). Loop thread only.
 */
final class LazyNoDelay {

    private final SocketChannel channel;
    private boolean pending = true;
    private boolean wrote;

    LazyNoDelay(SocketChannel channel) {
        this.channel = channel;
    }

    /** Called before every write. */
    void beforeWrite() {
        if (pending) {
            if (wrote) {
                now();
            } else {
                wrote = true;
            }
        }
    }

    /** Sets the option now, if it was not set yet. */
    void now() {
        if (!pending) {
            return;
        }
        pending = false;
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException e) {
            // the socket is gone: the write that follows fails and says so
        }
    }
}
