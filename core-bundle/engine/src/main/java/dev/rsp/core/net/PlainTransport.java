package dev.rsp.core.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLSession;

/** Bytes as they are: the window is filled straight from the socket, writes go straight to it. Loop thread only. */
final class PlainTransport implements Transport {

    private final SocketChannel channel;

    PlainTransport(SocketChannel channel) {
        this.channel = channel;
    }

    @Override
    public int read(ByteBuffer window) throws IOException {
        if (window.limit() == window.capacity()) {
            return 0;
        }
        int start = window.position();
        window.position(window.limit()).limit(window.capacity());
        try {
            return channel.read(window);
        } finally {
            window.limit(window.position()).position(start);
        }
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return srcs.length == 1 ? channel.write(srcs[0]) : channel.write(srcs);
    }

    @Override
    public boolean windowFull(ByteBuffer window) {
        return window.limit() == window.capacity();
    }

    @Override
    public int effectiveInterest(int wanted) {
        return wanted;
    }

    @Override
    public void readInterestOn() {
        // the selector sees everything there is
    }

    @Override
    public boolean hasBufferedInput() {
        return false;
    }

    @Override
    public boolean pendingOutput() {
        return false;
    }

    @Override
    public boolean handshaking() {
        return false;
    }

    @Override
    public SSLSession session() {
        return null;
    }

    @Override
    public void shutdownOutput() {
        try {
            channel.shutdownOutput();
        } catch (IOException ignored) {
            // the peer is gone already: close() follows
        }
    }

    @Override
    public void releaseIdle() {
        // holds nothing
    }

    @Override
    public void close() {
        // holds nothing
    }
}
