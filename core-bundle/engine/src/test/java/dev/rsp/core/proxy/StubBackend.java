package dev.rsp.core.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A blocking HTTP/1.1 test backend on 127.0.0.1 and a free port. Each connection runs on its own thread; every
 * request head is parsed and recorded, then handed to the test's {@link Handler} together with the raw streams,
 * so a handler can answer in any shape (chunked, slow, broken, upgraded).
 */
final class StubBackend implements AutoCloseable {

    /** A request as the backend received it. */
    record Request(String method, String target, String version, Map<String, List<String>> headers, Socket socket) {
        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : v.get(0);
        }

        long contentLength() {
            String v = header("content-length");
            return v == null ? -1 : Long.parseLong(v);
        }

        boolean chunked() {
            String v = header("transfer-encoding");
            return v != null && v.toLowerCase(Locale.ROOT).contains("chunked");
        }
    }

    interface Handler {
        /** Answers one request; return false to close the connection afterwards. */
        boolean handle(Request request, InputStream in, OutputStream out) throws IOException;
    }

    final String name;
    private final ServerSocket server;
    private final Handler handler;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    final AtomicInteger connections = new AtomicInteger();
    private final Thread acceptor;

    StubBackend(String name, Handler handler) throws IOException {
        this.name = name;
        this.handler = handler;
        this.server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "stub-" + name);
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    List<Request> requests() {
        return requests;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "stub-" + name + "-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                Request r = readHead(in, s);
                if (r == null) {
                    return;
                }
                requests.add(r);
                if (!handler.handle(r, in, out)) {
                    return;
                }
                out.flush();
            }
        } catch (IOException e) {
            // connection ended
        } finally {
            open.remove(s);
        }
    }

    static Request readHead(InputStream in, Socket s) throws IOException {
        String line = readLine(in);
        if (line == null) {
            return null;
        }
        String[] parts = line.split(" ", 3);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String h = readLine(in); h != null && !h.isEmpty(); h = readLine(in)) {
            int colon = h.indexOf(':');
            headers.computeIfAbsent(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(h.substring(colon + 1).trim());
        }
        return new Request(parts[0], parts[1], parts.length > 2 ? parts[2] : "", headers, s);
    }

    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String l = b.toString(StandardCharsets.ISO_8859_1);
                return l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads a request body as framed by its head (Content-Length or chunked) and returns its bytes. */
    static byte[] readBody(Request r, InputStream in) throws IOException {
        if (r.chunked()) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String size = readLine(in);
                int semi = size.indexOf(';');
                int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (n == 0) {
                    while (!readLine(in).isEmpty()) {
                        // trailers
                    }
                    return body.toByteArray();
                }
                body.write(in.readNBytes(n));
                readLine(in);
            }
        }
        long n = Math.max(0, r.contentLength());
        return in.readNBytes((int) n);
    }

    /** Writes a complete response with a Content-Length body. */
    static void respond(OutputStream out, int status, String body, String... extraHeaders) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder("HTTP/1.1 ").append(status).append(" X\r\nContent-Length: ").append(b.length).append("\r\n");
        for (String e : extraHeaders) {
            h.append(e).append("\r\n");
        }
        h.append("\r\n");
        out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(b);
        out.flush();
    }

    /** Closes the listener and every open connection. */
    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
