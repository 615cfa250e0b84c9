package dev.rsp.tls.ocsp;

import static dev.rsp.tls.ocsp.OcspTest.CA;
import static dev.rsp.tls.ocsp.OcspTest.CA_KEYS;
import static dev.rsp.tls.ocsp.OcspTest.LEAF_KEYS;
import static dev.rsp.tls.ocsp.OcspTest.await;
import static dev.rsp.tls.ocsp.OcspTest.served;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stapler over real HTTP ({@link OcspStapler#overHttp()}) against stub responders on port 0: a good answer is
 * stapled; a responder that stalls before or after its head is given up at {@code ocsp.fetch.timeout.ms} and its
 * connection closed; an answer over 64 KiB is refused, declared or not. Each failure leaves the certificate without a
 * staple, says why for the audit and counts its cause.
 */
class OcspFetchTest {

    static final Duration BOUND = Duration.ofMillis(500);
    static final String HEAD_200 = "HTTP/1.1 200 OK\r\nContent-Type: application/ocsp-response\r\n";

    OcspStapler stapler = OcspStapler.overHttp();
    StubResponder responder;

    @AfterEach
    void close() throws IOException {
        stapler.close();
        if (responder != null) {
            responder.close();
        }
    }

    /** A leaf like {@link OcspTest#LEAF} (same serial and issuer, so its responses fit) naming the stub as responder. */
    private X509Certificate leafAskingTheStub() {
        return OcspTest.cert("CN=shop.example", LEAF_KEYS, "CN=Test CA", CA_KEYS, 4242, responder.url(), null);
    }

    private long count(String event) {
        return stapler.counts().get(event);
    }

    @Test
    void aGoodAnswerOverHttpIsStapledAndCounted() throws IOException {
        byte[] der = OcspTest.good();
        responder = new StubResponder(answer(HEAD_200 + "Content-Length: " + der.length + "\r\n\r\n", der));
        X509Certificate leaf = leafAskingTheStub();
        stapler.track(List.of(served(leaf, CA)), BOUND);
        await(() -> stapler.staple(leaf) != null);
        assertArrayEquals(der, stapler.staple(leaf));
        assertEquals(1, count("tls.ocsp.fetched"));
        assertEquals("POST /ocsp HTTP/1.1", responder.requestLine);
    }

    @Test
    void aResponderThatSendsItsHeadAndThenStallsIsGivenUpAtTheBound() throws Exception {
        // 2,000 bytes announced, 100 sent, then nothing: the JDK client's request timeout ends at the head
        responder = new StubResponder(answer(HEAD_200 + "Content-Length: 2000\r\n\r\n", new byte[100]));
        X509Certificate leaf = leafAskingTheStub();
        long began = System.nanoTime();
        stapler.track(List.of(served(leaf, CA)), BOUND);
        await(() -> stapler.problem(leaf).filter(p -> p.contains("within 500 ms")).isPresent());
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        assertTrue(took.compareTo(BOUND) >= 0 && took.compareTo(BOUND.plusSeconds(5)) < 0, "given up after " + took);
        assertEquals("no answer from " + responder.url() + ": no whole answer within 500 ms (ocsp.fetch.timeout.ms): "
                + "the response head came, its body did not finish", stapler.problem(leaf).get());
        assertNull(stapler.staple(leaf), "served without a staple");
        assertEquals(1, count("tls.ocsp.fetch.timeout"));
        assertTrue(responder.clientClosed.await(5, TimeUnit.SECONDS), "the connection to the responder is closed");
    }

    @Test
    void aResponderThatNeverAnswersIsGivenUpAtTheBound() throws Exception {
        responder = new StubResponder(new byte[0]);
        X509Certificate leaf = leafAskingTheStub();
        long began = System.nanoTime();
        stapler.track(List.of(served(leaf, CA)), BOUND);
        await(() -> stapler.problem(leaf).filter(p -> p.contains("within 500 ms")).isPresent());
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        assertTrue(took.compareTo(BOUND) >= 0 && took.compareTo(BOUND.plusSeconds(5)) < 0, "given up after " + took);
        assertTrue(stapler.problem(leaf).get().endsWith("no response head"), stapler.problem(leaf).get());
        assertNull(stapler.staple(leaf));
        assertEquals(1, count("tls.ocsp.fetch.timeout"));
        assertTrue(responder.clientClosed.await(5, TimeUnit.SECONDS), "the connection to the responder is closed");
    }

    @Test
    void anAnswerDeclaredOver64KiBIsRefusedUnread() throws Exception {
        responder = new StubResponder(answer(HEAD_200 + "Content-Length: 70000\r\n\r\n", new byte[70_000]));
        X509Certificate leaf = leafAskingTheStub();
        stapler.track(List.of(served(leaf, CA)), Duration.ofSeconds(30));
        await(() -> stapler.problem(leaf).filter(p -> p.contains("over")).isPresent());
        assertEquals("no answer from " + responder.url() + ": an answer over 65536 bytes", stapler.problem(leaf).get());
        assertNull(stapler.staple(leaf));
        assertEquals(Map.of("tls.ocsp.fetched", 0L, "tls.ocsp.unfit", 0L, "tls.ocsp.fetch.timeout", 0L,
                "tls.ocsp.fetch.too_large", 1L, "tls.ocsp.fetch.status", 0L, "tls.ocsp.fetch.failed", 0L), stapler.counts());
        assertTrue(responder.clientClosed.await(5, TimeUnit.SECONDS), "the connection to the responder is closed");
    }

    @Test
    void aChunkedAnswerThatGrowsOver64KiBIsRefusedAtTheCap() throws IOException {
        ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        for (int i = 0; i < 17; i++) {
            chunks.writeBytes("1000\r\n".getBytes(StandardCharsets.ISO_8859_1));
            chunks.writeBytes(new byte[4096]);
            chunks.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        chunks.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        responder = new StubResponder(answer(HEAD_200 + "Transfer-Encoding: chunked\r\n\r\n", chunks.toByteArray()));
        X509Certificate leaf = leafAskingTheStub();
        stapler.track(List.of(served(leaf, CA)), Duration.ofSeconds(30));
        await(() -> stapler.problem(leaf).filter(p -> p.contains("over")).isPresent());
        assertTrue(stapler.problem(leaf).get().endsWith("an answer over 65536 bytes"), stapler.problem(leaf).get());
        assertNull(stapler.staple(leaf));
        assertEquals(1, count("tls.ocsp.fetch.too_large"));
    }

    @Test
    void anHttpErrorIsCountedByItsOwnName() throws IOException {
        responder = new StubResponder(answer("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n", new byte[0]));
        X509Certificate leaf = leafAskingTheStub();
        stapler.track(List.of(served(leaf, CA)), BOUND);
        await(() -> stapler.problem(leaf).filter(p -> p.contains("HTTP status 503")).isPresent());
        assertNull(stapler.staple(leaf));
        assertEquals(1, count("tls.ocsp.fetch.status"));
    }

    private static byte[] answer(String head, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }

    /**
     * Answers one connection on 127.0.0.1 (port 0): reads the request, writes {@code answer}, then holds the
     * connection until the client closes it ({@link #clientClosed}) or the test ends.
     */
    static final class StubResponder implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        final CountDownLatch clientClosed = new CountDownLatch(1);
        volatile String requestLine;
        private volatile Socket accepted;

        StubResponder(byte[] answer) throws IOException {
            Thread thread = new Thread(() -> serve(answer), "stub-ocsp-responder");
            thread.setDaemon(true);
            thread.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort() + "/ocsp";
        }

        private void serve(byte[] answer) {
            try (Socket s = server.accept()) {
                accepted = s;
                InputStream in = s.getInputStream();
                String head = readHead(in);
                requestLine = head.substring(0, head.indexOf("\r\n"));
                int length = 0;
                for (String line : head.split("\r\n")) {
                    if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).strip());
                    }
                }
                in.readNBytes(length);
                OutputStream out = s.getOutputStream();
                try {
                    out.write(answer);
                    out.flush();
                } catch (IOException refusedMidWay) {
                    // the client gave the answer up while it was written
                }
                try {
                    while (in.read() >= 0) {
                        // the client sends nothing more; wait for its close
                    }
                } catch (IOException reset) {
                    // closed by a reset
                }
                clientClosed.countDown();
            } catch (IOException e) {
                // the test ended
            }
        }

        private static String readHead(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            while (head.indexOf("\r\n\r\n") < 0) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("closed in the request head");
                }
                head.append((char) c);
            }
            return head.toString();
        }

        @Override
        public void close() throws IOException {
            server.close();
            Socket s = accepted;
            if (s != null) {
                s.close();
            }
        }
    }
}
