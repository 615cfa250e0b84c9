package dev.rsp.core.net;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Endpoint#deferNoDelay}: Nagle's algorithm stays on through a connection's first write and goes off before
 * its second, or as soon as its owner says the connection is kept alive ({@link Endpoint#noDelay}).
 */
class EndpointNoDelayTest {

    private ServerSocketChannel server;
    private SocketChannel peer;
    private SocketChannel ours;

    @BeforeEach
    void connect() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        peer = SocketChannel.open(server.getLocalAddress());
        ours = server.accept();
    }

    @AfterEach
    void close() throws IOException {
        peer.close();
        ours.close();
        server.close();
    }

    private boolean noDelay() throws IOException {
        return ours.getOption(StandardSocketOptions.TCP_NODELAY);
    }

    @Test
    void offAfterTheFirstWriteOnBeforeTheSecond() throws IOException {
        Endpoint ep = new Endpoint(ours, new BufferPool(4096, 1));
        ep.deferNoDelay();
        ep.write(ByteBuffer.wrap(new byte[] {1}));
        assertFalse(noDelay(), "one answer and a close never needs it");
        ep.write(new ByteBuffer[] {ByteBuffer.wrap(new byte[] {2})});
        assertTrue(noDelay(), "a second write would wait for the first one's acknowledgement");
    }

    @Test
    void onWhenTheOwnerKeepsTheConnection() throws IOException {
        Endpoint ep = new Endpoint(ours, new BufferPool(4096, 1));
        ep.deferNoDelay();
        ep.noDelay();
        assertTrue(noDelay());
    }

    @Test
    void untouchedWithoutDeferral() throws IOException {
        Endpoint ep = new Endpoint(ours, new BufferPool(4096, 1));
        ep.write(ByteBuffer.wrap(new byte[] {1}));
        ep.write(ByteBuffer.wrap(new byte[] {2}));
        ep.noDelay();
        assertFalse(noDelay(), "the endpoint's owner decides (backend sockets set it when they open)");
    }
}
