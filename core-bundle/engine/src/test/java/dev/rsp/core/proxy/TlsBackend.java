package dev.rsp.core.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;

/**
 * A TLS HTTP server on a thread per connection that answers "name target" to every request, or as its handler says. It does not take part in
 * ALPN (a server that speaks HTTP/1.1 only). It counts the handshakes that completed and those that failed, and keeps
 * the server name (SNI) each completed one asked for ("-" for none).
 */
final class TlsBackend implements AutoCloseable {
    private final SSLServerSocket server;
    final AtomicInteger handshakes = new AtomicInteger();
    final AtomicInteger failedHandshakes = new AtomicInteger();
    final List<String> serverNames = new CopyOnWriteArrayList<>();
    /** The protocol of each completed handshake (TLSv1.3, TLSv1.2). */
    final List<String> protocols = new CopyOnWriteArrayList<>();

    private final StubBackend.Handler handler;

    TlsBackend(SSLContext ctx, String name) throws IOException {
        this(ctx, name, (r, in, out) -> {
            StubBackend.respond(out, 200, name + " " + r.target());
            return true;
        });
    }

    /** A backend whose requests {@code handler} answers, as {@link StubBackend}'s. */
    TlsBackend(SSLContext ctx, String name, StubBackend.Handler handler) throws IOException {
        this(ctx, name, handler, new String[0]);
    }

    /** A backend that accepts only {@code protocols} (e.g. TLSv1.2), answering "name target". */
    static TlsBackend only(SSLContext ctx, String name, String... protocols) throws IOException {
        return new TlsBackend(ctx, name, (r, in, out) -> {
            StubBackend.respond(out, 200, name + " " + r.target());
            return true;
        }, protocols);
    }

    private TlsBackend(SSLContext ctx, String name, StubBackend.Handler handler, String[] protocols) throws IOException {
        this.handler = handler;
        server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        if (protocols.length > 0) {
            // before the accepting thread starts: a socket takes the server's settings when accept() is entered
            server.setEnabledProtocols(protocols);
        }
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread h = new Thread(() -> serve((SSLSocket) s));
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

    private void serve(SSLSocket s) {
        try (s) {
            try {
                s.startHandshake();
            } catch (IOException e) {
                failedHandshakes.incrementAndGet();
                return;
            }
            handshakes.incrementAndGet();
            serverNames.add(serverName(s));
            protocols.add(s.getSession().getProtocol());
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                StubBackend.Request r = StubBackend.readHead(in, s);
                if (r == null || !handler.handle(r, in, out)) {
                    return;
                }
            }
        } catch (IOException ignored) {
            // the test closed the connection
        }
    }

    private static String serverName(SSLSocket s) {
        if (s.getSession() instanceof ExtendedSSLSession x) {
            for (SNIServerName n : x.getRequestedServerNames()) {
                if (n.getType() == StandardConstants.SNI_HOST_NAME) {
                    return new String(n.getEncoded(), StandardCharsets.US_ASCII);
                }
            }
        }
        return "-";
    }

    int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
