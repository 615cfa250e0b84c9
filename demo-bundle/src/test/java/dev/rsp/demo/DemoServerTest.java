package dev.rsp.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DemoServerTest {

    DemoServer server;

    @BeforeEach
    void start() throws IOException {
        server = new DemoServer("demo-7", new InetSocketAddress("127.0.0.1", 0));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void answersWithNameHostAndPathOverKeepAlive() throws IOException {
        try (Socket s = connect()) {
            send(s, "GET /a/b?c=d HTTP/1.1\r\nHost: Alice.Example.com\r\n\r\n");
            String first = readResponse(s.getInputStream());
            assertTrue(first.startsWith("HTTP/1.1 200 OK\r\n"), first);
            assertTrue(first.contains("X-Demo-Backend: demo-7\r\n"), first);
            assertTrue(first.endsWith("\r\n\r\ndemo-7\nhost: Alice.Example.com\npath: /a/b?c=d\n"), first);

            send(s, "POST /upload HTTP/1.1\r\nHost: b.example\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n3;ext=1\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n"
                    + "PUT /p HTTP/1.1\r\nHost: c.example\r\nContent-Length: 4\r\n\r\nbody");
            String second = readResponse(s.getInputStream());
            assertTrue(second.endsWith("demo-7\nhost: b.example\npath: /upload\n"), second);
            String third = readResponse(s.getInputStream());
            assertTrue(third.endsWith("demo-7\nhost: c.example\npath: /p\n"), third);
        }
    }

    @Test
    void headHasNoBodyAndCloseIsHonoured() throws IOException {
        try (Socket s = connect()) {
            send(s, "HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(all.startsWith("HTTP/1.1 200 OK\r\n"), all);
            assertTrue(all.contains("Connection: close\r\n"), all);
            assertTrue(all.endsWith("\r\n\r\n"), "HEAD answer carries no body: " + all);
        }
    }

    @Test
    void garbageGetsA400AndAClose() throws IOException {
        try (Socket s = connect()) {
            send(s, "NONSENSE\r\n\r\n");
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(all.startsWith("HTTP/1.1 400 Bad Request\r\n"), all);
            assertTrue(all.contains("malformed request line"), all);
        }
    }

    @Test
    void configurationEntriesAreParsedAndBadOnesReported() {
        java.util.List<String> errors = new java.util.ArrayList<>();
        Map<String, InetSocketAddress> parsed = DemoBackends.parse(Map.of(
                "backend.demo-2", "127.0.0.1:9102",
                "backend.demo-1", " 127.0.0.1:9101 ",
                "backend.broken", "nohost",
                "backend.badport", "127.0.0.1:99999",
                "service.pid", "rsp.demo"), errors);
        assertEquals(java.util.List.of("rsp.demo: backend.badport = '127.0.0.1:99999': port 99999 out of range (0-65535)",
                "rsp.demo: backend.broken = 'nohost': missing port; write host:port"), errors);
        assertEquals(2, parsed.size());
        assertEquals("[demo-1, demo-2]", parsed.keySet().toString());
        assertEquals(9101, parsed.get("demo-1").getPort());
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(server.address(), 1000);
        s.setSoTimeout(5000);
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    /** Reads one response framed by Content-Length. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed after " + head);
            }
            head.write(c);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        int at = h.indexOf("Content-Length: ") + "Content-Length: ".length();
        int length = Integer.parseInt(h.substring(at, h.indexOf("\r\n", at)));
        return h + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
