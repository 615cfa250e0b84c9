package dev.rsp.distribution;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A burst of concurrent clients from one thread: {@code n} connections opened at once, each sending one
 * {@code Connection: close} request and reading its answer to the end. Outcomes are tallied by what a user would see:
 * the status line's code, {@code reset} (the connection was reset), {@code closed} (closed without a status line),
 * {@code refused} (the connect failed) or {@code unfinished} (no end before the deadline).
 */
final class Burst {

    private Burst() {
    }

    /** Per connection: what was read so far. */
    private static final class Client {
        final ByteBuffer request;
        final StringBuilder head = new StringBuilder();

        Client(byte[] request) {
            this.request = ByteBuffer.wrap(request);
        }

        String status() {
            int sp = head.indexOf(" ");
            return head.length() >= sp + 4 && sp > 0 ? head.substring(sp + 1, sp + 4) : null;
        }
    }

    static Map<String, Integer> run(int port, int n, String request, long maxSeconds) throws IOException {
        Map<String, Integer> outcomes = new TreeMap<>();
        byte[] raw = request.getBytes(StandardCharsets.ISO_8859_1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        ByteBuffer in = ByteBuffer.allocate(16_384);
        int open = 0;
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < n; i++) {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.connect(new InetSocketAddress("127.0.0.1", port));
                ch.register(selector, SelectionKey.OP_CONNECT, new Client(raw));
                open++;
            }
            while (open > 0 && System.nanoTime() < deadline) {
                selector.select(200);
                for (SelectionKey key : selector.selectedKeys()) {
                    Client c = (Client) key.attachment();
                    SocketChannel ch = (SocketChannel) key.channel();
                    String end = step(key, ch, c, in);
                    if (end != null) {
                        outcomes.merge(end, 1, Integer::sum);
                        key.cancel();
                        ch.close();
                        open--;
                    }
                }
                selector.selectedKeys().clear();
            }
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
        }
        if (open > 0) {
            outcomes.put("unfinished", open);
        }
        return outcomes;
    }

    /** Moves one client on; its outcome when it ended, else null. */
    private static String step(SelectionKey key, SocketChannel ch, Client c, ByteBuffer in) {
        try {
            if (key.isConnectable()) {
                ch.finishConnect();
                key.interestOps(SelectionKey.OP_WRITE);
                return null;
            }
            if (key.isWritable()) {
                ch.write(c.request);
                if (!c.request.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ);
                }
                return null;
            }
            in.clear();
            int r = ch.read(in);
            if (r < 0) {
                String status = c.status();
                return status != null ? status : "closed";
            }
            if (c.head.length() < 64) {
                c.head.append(new String(in.array(), 0, r, StandardCharsets.ISO_8859_1));
            }
            return null;
        } catch (java.net.ConnectException e) {
            return "refused";
        } catch (IOException e) {
            return c.status() != null ? c.status() : "reset";
        }
    }
}
