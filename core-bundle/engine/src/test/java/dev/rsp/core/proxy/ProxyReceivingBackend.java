package dev.rsp.core.proxy;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.rsp.core.http.ParseStatus;
import dev.rsp.core.proxyprotocol.ProxyHeader;
import dev.rsp.core.proxyprotocol.ProxyHeaderMode;
import dev.rsp.core.proxyprotocol.ProxyHeaderParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A backend that expects a PROXY protocol header first on every connection (as a {@code send-proxy} backend does),
 * reads it with rsp's own parser, then answers keep-alive GET requests with a body naming the connection and what
 * its header said: {@code conn=3 v2 from 127.0.0.1:40000 to 127.0.0.1:8080}, or {@code conn=3 v2 local}. A
 * connection whose first bytes are not a header is answered 400 and recorded in {@link #rejected}. Optionally TLS
 * follows the header, as on a TLS backend or behind a TLS passthrough.
 */
final class ProxyReceivingBackend implements AutoCloseable {

    final List<ProxyHeader> headers = new CopyOnWriteArrayList<>();
    final List<String> rejected = new CopyOnWriteArrayList<>();
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicInteger connections = new AtomicInteger();

    /** Speaks TLS with {@code tls} after the header; null: cleartext. */
    private final SSLContext tls;

    ProxyReceivingBackend() throws IOException {
        this(null);
    }

    /** A backend that reads the header, then does a TLS handshake as the server with {@code tls} (null: none). */
    ProxyReceivingBackend(SSLContext tls) throws IOException {
        this.tls = tls;
        threads.execute(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                int id = connections.incrementAndGet();
                threads.execute(() -> serve(s, id));
            } catch (IOException e) {
                // closed
            }
        }
    }

    private void serve(Socket s, int id) {
        try (s) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(4096).limit(0);
            ProxyHeaderParser parser = new ProxyHeaderParser(ProxyHeaderMode.ANY, ProxyHeaderParser.DEFAULT_MAX_V2_LENGTH);
            ParseStatus st = ParseStatus.NEED_MORE;
            while (st == ParseStatus.NEED_MORE) {
                int n = in.read(buf.array(), buf.limit(), buf.capacity() - buf.limit());
                if (n < 0) {
                    return;
                }
                buf.limit(buf.limit() + n);
                st = parser.parse(buf);
            }
            if (st == ParseStatus.REJECT) {
                rejected.add(parser.rejection().reason());
                out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(US_ASCII));
                return;
            }
            ProxyHeader h = parser.header();
            headers.add(h);
            String said = "conn=" + id + " v" + h.version() + (h instanceof ProxyHeader.Proxied p
                    ? " from " + p.source().getAddress().getHostAddress() + ":" + p.source().getPort() + " to "
                    + p.destination().getAddress().getHostAddress() + ":" + p.destination().getPort()
                    : " local");
            byte[] after = java.util.Arrays.copyOfRange(buf.array(), h.length(), buf.limit());
            StringBuilder rest = new StringBuilder();
            if (tls != null) {
                // TLS after the header: the bytes read past it are the start of the ClientHello
                SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(s, new ByteArrayInputStream(after), true);
                ssl.setUseClientMode(false);
                in = ssl.getInputStream();
                out = ssl.getOutputStream();
            } else {
                rest.append(new String(after, US_ASCII));
            }
            byte[] chunk = new byte[4096];
            while (true) {
                int end;
                while ((end = rest.indexOf("\r\n\r\n")) < 0) {
                    int n = in.read(chunk);
                    if (n < 0) {
                        return;
                    }
                    rest.append(new String(chunk, 0, n, US_ASCII));
                }
                rest.delete(0, end + 4);
                byte[] body = said.getBytes(US_ASCII);
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(US_ASCII));
                out.write(body);
                out.flush();
            }
        } catch (IOException e) {
            // the proxy closed the connection
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
