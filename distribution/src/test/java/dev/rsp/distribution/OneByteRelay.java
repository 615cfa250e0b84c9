package dev.rsp.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Relays one connection, sending the first {@code slowBytes} client bytes one write per byte. */
final class OneByteRelay implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());

    OneByteRelay(InetSocketAddress target, int slowBytes) throws IOException {
        Thread t = new Thread(() -> {
            try (Socket client = server.accept(); Socket up = new Socket()) {
                up.connect(target, 2000);
                up.setTcpNoDelay(true);
                Thread down = new Thread(() -> copy(up, client, 0));
                down.setDaemon(true);
                down.start();
                copy(client, up, slowBytes);
                down.join(10_000);
            } catch (IOException | InterruptedException ignored) {
                // the test ended
            }
        }, "one-byte-relay");
        t.setDaemon(true);
        t.start();
    }

    private static void copy(Socket from, Socket to, int slowBytes) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buf = new byte[8192];
            int slow = slowBytes;
            int n;
            while ((n = in.read(buf, 0, slow > 0 ? 1 : buf.length)) > 0) {
                out.write(buf, 0, n);
                out.flush();
                slow -= n;
            }
            to.shutdownOutput();
        } catch (IOException ignored) {
            // one side closed
        }
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
