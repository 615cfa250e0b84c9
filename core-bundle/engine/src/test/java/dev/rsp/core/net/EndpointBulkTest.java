package dev.rsp.core.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An endpoint's input moves up to a bulk buffer only when reads keep filling an emptied window, keeps every byte in
 * order while it does, and gives both buffers back. The peer's bytes are all in the kernel before the first read
 * (the receive buffer holds them and the writer has finished), so every read from an empty window is a full one.
 */
class EndpointBulkTest {

    private static final int SMALL = 16384;
    private static final int BULK = 65536;
    private static final int BODY = 300_000;

    private final BufferPool bulk = new BufferPool(BULK, 4);
    private final BufferPool pool = new BufferPool(SMALL, 4, bulk);
    private ServerSocketChannel server;
    private SocketChannel peer;
    private SocketChannel ours;
    private byte[] body;

    @BeforeEach
    void connect() throws IOException {
        server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        peer = SocketChannel.open(server.getLocalAddress());
        ours = server.accept();
        body = new byte[BODY];
        new Random(7).nextBytes(body);
        ByteBuffer out = ByteBuffer.wrap(body);
        while (out.hasRemaining()) {
            peer.write(out);
        }
        peer.shutdownOutput();
    }

    @AfterEach
    void close() throws IOException {
        peer.close();
        ours.close();
        server.close();
    }

    @Test
    void aReaderThatKeepsUpMovesToTheBulkBufferAndGivesBothBack() throws IOException {
        Endpoint ep = new Endpoint(ours, pool);
        ep.allowBulk();
        List<Integer> capacities = new ArrayList<>();
        byte[] got = drain(ep, capacities, false);

        assertArrayEquals(body, got, "every byte, in order, across the move");
        assertEquals(SMALL, capacities.get(0));
        assertEquals(SMALL, capacities.get(BulkInput.AFTER - 1), "small until " + BulkInput.AFTER + " full reads");
        assertEquals(BULK, capacities.get(BulkInput.AFTER), "then the bulk buffer");
        ep.releaseInputIfEmpty();
        assertEquals(0, pool.inUse());
        assertEquals(0, bulk.inUse());
        assertEquals(1, bulk.takeAcquisitions());
    }

    @Test
    void aReaderThatStallsMovesBackToTheUsualSize() throws IOException {
        Endpoint ep = new Endpoint(ours, pool);
        ep.allowBulk();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        for (int i = 0; i <= BulkInput.AFTER; i++) {
            ep.read();
            take(ep.input(), got);
        }
        assertEquals(BULK, ep.input().capacity(), "moved up");
        ep.wantRead(false);   // what a pipe does when its sink (the client) cannot take more
        ep.read();
        assertEquals(SMALL, ep.input().capacity(), "back at the next read from an empty window");
        take(ep.input(), got);
        List<Integer> capacities = new ArrayList<>();
        got.write(drain(ep, capacities, false));
        assertArrayEquals(body, got.toByteArray(), "every byte, in order, across both moves");
        ep.close();
        assertEquals(0, pool.inUse());
        assertEquals(0, bulk.inUse());
    }

    private static void take(ByteBuffer window, ByteArrayOutputStream to) {
        byte[] chunk = new byte[window.remaining()];
        window.get(chunk);
        to.write(chunk, 0, chunk.length);
    }

    @Test
    void anEndpointThatDoesNotAllowItStaysSmall() throws IOException {
        Endpoint ep = new Endpoint(ours, pool);
        List<Integer> capacities = new ArrayList<>();
        assertArrayEquals(body, drain(ep, capacities, false));
        assertTrue(capacities.stream().allMatch(c -> c == SMALL), capacities::toString);
        ep.close();
        assertEquals(0, pool.inUse());
        assertEquals(0, bulk.takeAcquisitions());
    }

    @Test
    void aReaderThatLeavesBytesInTheWindowNeverMoves() throws IOException {
        Endpoint ep = new Endpoint(ours, pool);
        ep.allowBulk();
        List<Integer> capacities = new ArrayList<>();
        assertArrayEquals(body, drain(ep, capacities, true));
        assertTrue(capacities.stream().allMatch(c -> c == SMALL), capacities::toString);
        assertEquals(0, bulk.takeAcquisitions());
        ep.close();
        assertEquals(0, pool.inUse());
        assertFalse(ep.hasInput());
    }

    /** Reads to the end; consumes the whole window after each read, or (slow) half of it. */
    private static byte[] drain(Endpoint ep, List<Integer> capacities, boolean slow) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        for (int rounds = 0; rounds < 10_000; rounds++) {
            int n = ep.read();
            ByteBuffer w = ep.input();
            capacities.add(w.capacity());
            int take = slow ? (w.remaining() + 1) / 2 : w.remaining();
            byte[] chunk = new byte[take];
            w.get(chunk);
            got.write(chunk, 0, take);
            if (slow) {
                ep.compactInput();
            }
            if (n < 0) {
                byte[] rest = new byte[w.remaining()];
                w.get(rest);
                got.write(rest, 0, rest.length);
                return got.toByteArray();
            }
        }
        throw new AssertionError("no end of stream after 10,000 reads");
    }
}
