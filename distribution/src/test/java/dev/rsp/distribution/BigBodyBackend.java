package dev.rsp.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A test backend on 127.0.0.1, a thread per connection: {@code GET /big} answers {@link #size} bytes of
 * {@link #byteAt} as fast as the proxy takes them, anything else a short {@code ok}. One request per connection.
 */
final class BigBodyBackend implements AutoCloseable {

    final long size;
    private final ServerSocket server;

    BigBodyBackend(long size) throws IOException {
        this.size = size;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "big-body-backend");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** The body's byte at {@code offset}: a pattern that a lost, repeated or reordered chunk breaks. */
    static int byteAt(long offset) {
        return (int) ((offset * 31 + (offset >>> 16)) % 251);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "big-body-backend-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            String head = readHead(s.getInputStream());
            boolean big = head.startsWith("GET /big ");
            long length = big ? size : 2;
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            if (!big) {
                out.write("ok".getBytes(StandardCharsets.ISO_8859_1));
                return;
            }
            byte[] chunk = new byte[64 * 1024];
            for (long sent = 0; sent < size; ) {
                int n = (int) Math.min(chunk.length, size - sent);
                for (int i = 0; i < n; i++) {
                    chunk[i] = (byte) byteAt(sent + i);
                }
                out.write(chunk, 0, n);
                sent += n;
            }
        } catch (IOException e) {
            // the proxy cut the connection: the test sees that on its side
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 16_384 && !head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
