package dev.rsp.core.proxyprotocol;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rsp.core.http.ParseStatus;
import dev.rsp.core.testing.ExternalPrograms;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real senders: HAProxy ({@code send-proxy}, {@code send-proxy-v2} with CRC32C and authority) in front of a test
 * ServerSocket that reads the header with the parser, and {@code curl --haproxy-protocol}. Each header must name the
 * client's address and port as the client's own socket sees them, and the bytes after it must be the client's.
 */
class ProxyHeaderPeersTest {
    private static final long WAIT_MS = 10_000;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    static Path dir;
    private static ServerSocket backend;
    private static final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private static Process haproxy;
    private static int v1Port;
    private static int v2Port;
    private static int relayPort;

    /** What the backend read on one connection: the header and the text that followed it up to a blank line. */
    record Received(ProxyHeader header, String rest, byte[] raw) {
        Received(ProxyHeader header, String rest) {
            this(header, rest, new byte[0]);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        backend = new ServerSocket(0, 50, LOOPBACK);
        Thread acceptor = new Thread(ProxyHeaderPeersTest::accept, "proxy-header-backend");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (haproxy != null) {
            haproxy.destroy();
        }
        backend.close();
    }

    @Test
    void haproxySendProxyV1() throws Exception {
        startHaproxy();
        Received r = connectThrough(v1Port);
        assertEquals(1, r.header().version());
    }

    @Test
    void haproxySendProxyV2WithCrc() throws Exception {
        startHaproxy();
        Received r = connectThrough(v2Port);
        assertEquals(2, r.header().version());
        assertEquals(Optional.empty(), r.header().authority());
        assertCrcChecked(r.raw());
    }

    /** HAProxy passes on the authority it received in a PROXY header; the test client sends one with a CRC. */
    @Test
    void haproxyRelaysTheAuthorityTlv() throws Exception {
        startHaproxy();
        try (Socket client = new Socket(LOOPBACK, relayPort)) {
            byte[] incoming = new V2Bytes().inet("192.0.2.7", 4321, "198.51.100.1", 443)
                    .tlv(0x02, "shop.example".getBytes(US_ASCII)).crc32c(0).build();
            OutputStream out = client.getOutputStream();
            out.write(incoming);
            out.write("hello\r\n\r\n".getBytes(US_ASCII));
            out.flush();
            Received r = awaitFrom(new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 4321));
            ProxyHeader.Proxied h = (ProxyHeader.Proxied) r.header();
            assertEquals(Optional.of("shop.example"), h.authority());
            assertEquals(new InetSocketAddress(InetAddress.getByName("198.51.100.1"), 443), h.destination());
            assertEquals("hello\r\n\r\n", r.rest());
            assertCrcChecked(r.raw());
        }
    }

    /** HAProxy's header carries a CRC32C, and the parser refuses it once an address byte is changed. */
    private static void assertCrcChecked(byte[] raw) {
        assertTrue(containsCrcTlv(raw), "no CRC32C TLV from HAProxy");
        byte[] changed = raw.clone();
        changed[17] ^= 1;
        ProxyHeaderParser p = new ProxyHeaderParser(ProxyHeaderMode.V2, ProxyHeaderParser.DEFAULT_MAX_V2_LENGTH);
        assertEquals(ParseStatus.REJECT, p.parse(ByteBuffer.wrap(changed)));
        assertEquals(ProxyHeaderRejection.CRC_MISMATCH, p.rejection());
    }

    private static boolean containsCrcTlv(byte[] raw) {
        for (int p = 28; p + 3 <= raw.length; p += 3 + ((raw[p + 1] & 0xFF) << 8 | raw[p + 2] & 0xFF)) {
            if (raw[p] == 0x03) {
                return true;
            }
        }
        return false;
    }

    @Test
    void curlHaproxyProtocol() throws Exception {
        String curl = ExternalPrograms.executable("curl", "apt-get install curl");
        Process p = new ProcessBuilder(curl, "-s", "-o", "/dev/null", "-w", "%{http_code} %{local_port}",
                "--haproxy-protocol", "http://127.0.0.1:" + backend.getLocalPort() + "/x").redirectErrorStream(true)
                .start();
        assertTrue(p.waitFor(WAIT_MS, TimeUnit.MILLISECONDS), "curl did not finish");
        String[] out = new String(p.getInputStream().readAllBytes(), US_ASCII).trim().split(" ");
        assertEquals("200", out[0], "curl saw the backend fail to read its PROXY line");
        Received r = awaitFrom(new InetSocketAddress(LOOPBACK, Integer.parseInt(out[1])));
        assertEquals(1, r.header().version());
        assertEquals(new InetSocketAddress(LOOPBACK, backend.getLocalPort()),
                ((ProxyHeader.Proxied) r.header()).destination());
        assertTrue(r.rest().startsWith("GET /x HTTP/1.1\r\n"), r.rest());
    }

    /** Connects through HAProxy and checks the header names this client socket and HAProxy's listener. */
    private static Received connectThrough(int port) throws Exception {
        try (Socket client = new Socket(LOOPBACK, port)) {
            client.getOutputStream().write("hello\r\n\r\n".getBytes(US_ASCII));
            Received r = awaitFrom((InetSocketAddress) client.getLocalSocketAddress());
            assertEquals(new InetSocketAddress(LOOPBACK, port), ((ProxyHeader.Proxied) r.header()).destination());
            assertEquals("hello\r\n\r\n", r.rest());
            return r;
        }
    }

    /** Waits for the header whose source is {@code source}, dropping others (HAProxy's readiness probes). */
    private static Received awaitFrom(InetSocketAddress source) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        for (long left = WAIT_MS; left > 0; left = deadline - System.currentTimeMillis()) {
            Received r = received.poll(left, TimeUnit.MILLISECONDS);
            if (r != null && r.header() instanceof ProxyHeader.Proxied p && p.source().equals(source)) {
                return r;
            }
            assertNotNull(r, "no PROXY header from " + source);
            assertInstanceOf(ProxyHeader.class, r.header(), "backend failed: " + r.rest());
        }
        return fail("no PROXY header from " + source);
    }

    private static void accept() {
        while (!backend.isClosed()) {
            try (Socket s = backend.accept()) {
                s.setSoTimeout((int) WAIT_MS);
                Received r = read(s);
                if (r != null) {
                    received.add(r);
                }
            } catch (IOException e) {
                // closed at the end, or a probe that went away
            }
        }
    }

    /** Reads one header with the parser, then the client's text up to a blank line, and answers 200. */
    private static Received read(Socket s) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(8192).limit(0);
        ProxyHeaderParser parser = new ProxyHeaderParser(ProxyHeaderMode.ANY, ProxyHeaderParser.DEFAULT_MAX_V2_LENGTH);
        InputStream in = s.getInputStream();
        ParseStatus st = ParseStatus.NEED_MORE;
        while (st == ParseStatus.NEED_MORE) {
            int n = in.read(buf.array(), buf.limit(), buf.capacity() - buf.limit());
            if (n < 0) {
                // a connection that closes before sending anything (HAProxy dropping a readiness probe) is no case
                return buf.limit() == 0 ? null : new Received(null, "EOF inside the header");
            }
            buf.limit(buf.limit() + n);
            st = parser.parse(buf);
        }
        if (st == ParseStatus.REJECT) {
            return new Received(null, parser.rejection().reason());
        }
        int start = parser.header().length();
        String rest = new String(buf.array(), start, buf.limit() - start, US_ASCII);
        int n;
        while (!rest.contains("\r\n\r\n") && (n = in.read(buf.array(), buf.limit(), buf.capacity() - buf.limit())) > 0) {
            buf.limit(buf.limit() + n);
            rest = new String(buf.array(), start, buf.limit() - start, US_ASCII);
        }
        s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(US_ASCII));
        byte[] raw = java.util.Arrays.copyOf(buf.array(), start);
        return new Received(parser.header(), rest, raw);
    }

    private static synchronized void startHaproxy() throws Exception {
        if (haproxy != null) {
            return;
        }
        String exe = ExternalPrograms.executable("haproxy", "apt-get install haproxy");
        v1Port = ExternalPrograms.freePort();
        v2Port = ExternalPrograms.freePort();
        relayPort = ExternalPrograms.freePort();
        String server = "127.0.0.1:" + backend.getLocalPort();
        String v2 = " send-proxy-v2 proxy-v2-options crc32c,authority\n";
        String cfg = "global\n  maxconn 100\n"
                + "defaults\n  mode tcp\n  timeout connect 5s\n  timeout client 10s\n  timeout server 10s\n"
                + "listen v1\n  bind 127.0.0.1:" + v1Port + "\n  server s " + server + " send-proxy\n"
                + "listen v2\n  bind 127.0.0.1:" + v2Port + "\n  server s " + server + v2
                + "listen relay\n  bind 127.0.0.1:" + relayPort + " accept-proxy\n  server s " + server + v2;
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, cfg);
        Path log = dir.resolve("haproxy.log");
        haproxy = new ProcessBuilder(exe, "-db", "-f", file.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        long deadline = System.currentTimeMillis() + WAIT_MS;
        for (int port : new int[] {v1Port, v2Port, relayPort}) {
            while (!accepts(port)) {
                if (!haproxy.isAlive() || System.currentTimeMillis() > deadline) {
                    fail("HAProxy did not listen on " + port + ": " + Files.readString(log));
                }
                Thread.onSpinWait();
            }
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket(LOOPBACK, port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }


}
