package dev.rsp.demo;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One demo backend: a small blocking HTTP/1.1 server that answers every request with its own name, the Host
 * header and the path. Keep-alive, Content-Length and chunked request bodies are supported; anything it cannot
 * parse gets a 400 and a close. It is a demo, not a benchmark target.
 */
final class DemoServer {

    static final int MAX_HEAD = 16 * 1024;
    static final int MAX_CONNECTIONS = 256;
    static final int READ_TIMEOUT_MS = 30_000;

    private final String name;
    private final InetSocketAddress bindAddress;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private ServerSocket serverSocket;
    private ExecutorService workers;
    private Thread acceptor;

    DemoServer(String name, InetSocketAddress bindAddress) {
        this.name = name;
        this.bindAddress = bindAddress;
    }

    void start() throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.setReuseAddress(true);
        ss.bind(bindAddress, 128);
        serverSocket = ss;
        workers = new ThreadPoolExecutor(0, MAX_CONNECTIONS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> daemon(r, "demo-" + name + "-conn"), new ThreadPoolExecutor.AbortPolicy());
        acceptor = daemon(this::acceptLoop, "demo-" + name + "-accept");
        acceptor.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) serverSocket.getLocalSocketAddress();
    }

    void stop() {
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // closing a listening socket: nothing left to do
        }
        open.forEach(DemoServer::closeQuietly);
        workers.shutdownNow();
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            Socket s;
            try {
                s = serverSocket.accept();
            } catch (IOException e) {
                return;
            }
            try {
                workers.execute(() -> serve(s));
            } catch (RuntimeException rejected) {
                closeQuietly(s);
            }
        }
    }

    private void serve(Socket socket) {
        open.add(socket);
        try (socket) {
            socket.setSoTimeout(READ_TIMEOUT_MS);
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            boolean keepAlive = true;
            while (keepAlive) {
                Optional<DemoRequest> next;
                try {
                    next = DemoRequest.read(in, MAX_HEAD);
                } catch (DemoRequest.BadRequest e) {
                    write(out, 400, "Bad Request", name + ": bad request: " + e.getMessage() + "\n", false, false);
                    return;
                }
                if (next.isEmpty()) {
                    return;
                }
                DemoRequest request = next.get();
                keepAlive = request.keepAlive();
                String body = name + "\nhost: " + request.host() + "\npath: " + request.target() + "\n";
                write(out, 200, "OK", body, keepAlive, request.method().equals("HEAD"));
            }
        } catch (SocketException e) {
            // the peer went away
        } catch (IOException e) {
            // read timeout or broken connection: close it
        } finally {
            open.remove(socket);
        }
    }

    private void write(OutputStream out, int status, String reason, String body, boolean keepAlive, boolean head)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head0 = "HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + bytes.length + "\r\n"
                + "X-Demo-Backend: " + name + "\r\n"
                + (keepAlive ? "" : "Connection: close\r\n")
                + "\r\n";
        ByteArrayOutputStream buf = new ByteArrayOutputStream(head0.length() + bytes.length);
        buf.write(head0.getBytes(StandardCharsets.ISO_8859_1));
        if (!head) {
            buf.write(bytes);
        }
        buf.writeTo(out);
        out.flush();
    }

    private static Thread daemon(Runnable r, String threadName) {
        Thread t = new Thread(r, threadName);
        t.setDaemon(true);
        return t;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already broken
        }
    }
}
