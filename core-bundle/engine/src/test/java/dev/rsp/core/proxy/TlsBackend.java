package dev.rsp.core.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/** A TLS HTTP server on a thread per connection that answers "name target" to every request. */
final class TlsBackend implements AutoCloseable {
    private final SSLServerSocket server;

    TlsBackend(SSLContext ctx, String name) throws IOException {
        server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread h = new Thread(() -> serve(s, name));
                    h.setDaemon(true);
                    h.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "tls-backend-" + name);
        t.setDaemon(true);
        t.start();
    }

    private static void serve(Socket s, String name) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                StubBackend.Request r = StubBackend.readHead(in, s);
                if (r == null) {
                    return;
                }
                StubBackend.respond(out, 200, name + " " + r.target());
            }
        } catch (IOException ignored) {
            // the test closed the connection
        }
    }

    int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
