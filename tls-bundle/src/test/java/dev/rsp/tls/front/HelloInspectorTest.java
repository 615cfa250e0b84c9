package dev.rsp.tls.front;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.spi.tls.Inspection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HelloInspectorTest {

    static final int MAX = 16384;

    /** The first flight of a JDK client: its ClientHello. */
    static byte[] jdkHello(String host, String... alpn) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        SSLEngine engine = context.createSSLEngine(host, 443);
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName(host)));
        p.setApplicationProtocols(alpn);
        engine.setSSLParameters(p);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] b = new byte[out.remaining()];
        out.get(b);
        return b;
    }

    @Test
    void aJdkHelloGivesItsNameAlpnAndVersions() throws Exception {
        byte[] hello = jdkHello("Shop.Example.com", "h2", "http/1.1");
        ByteBuffer buffer = ByteBuffer.wrap(hello).asReadOnlyBuffer();
        Inspection i = HelloInspector.inspect(buffer, MAX);
        Inspection.Hello h = assertInstanceOf(Inspection.Hello.class, i);
        assertEquals(Optional.of("Shop.Example.com"), h.serverName());
        assertEquals(List.of("h2", "http/1.1"), h.alpn());
        assertEquals("TLSv1.3", h.versions().get(0));
        assertTrue(h.versions().contains("TLSv1.2"));
        assertTrue(h.signatureSchemes().contains(0x0403) && h.signatureSchemes().contains(0x0804),
                "the JDK offers ECDSA and RSA-PSS: " + h.signatureSchemes());
        assertEquals(0, buffer.position(), "nothing consumed");
    }

    /** Given a byte at a time, the front names the byte count at which to ask again; asked only then, it decides. */
    @Test
    void aHelloArrivingAByteAtATimeIsParsedAFewTimesOnly() throws Exception {
        byte[] hello = jdkHello("one.example.com");
        List<Integer> asked = new ArrayList<>();
        int next = 1;
        Inspection last = null;
        for (int n = 1; n <= hello.length; n++) {
            if (n < next) {
                continue;
            }
            asked.add(n);
            last = HelloInspector.inspect(ByteBuffer.wrap(hello, 0, n).slice(), MAX);
            if (last instanceof Inspection.NeedMore more) {
                assertTrue(more.atLeast() > n, "asks for more than it has: " + more);
                next = more.atLeast();
            }
        }
        assertInstanceOf(Inspection.Hello.class, last);
        // one record: byte 1 (type), byte 2 (version major), byte 5 (the header), then the whole record
        assertEquals(List.of(1, 2, 5, hello.length), asked);
    }

    @Test
    void aHelloSplitOverRecordsIsAskedForByItsHandshakeLength() throws Exception {
        byte[] one = jdkHello("split.example.com");
        // re-frame the handshake message into records of at most 100 bytes
        int body = one.length - 5;
        ByteBuffer framed = ByteBuffer.allocate(one.length + 5 * (body / 100 + 1));
        for (int at = 5; at < one.length; at += 100) {
            int n = Math.min(100, one.length - at);
            framed.put((byte) 22).put((byte) 3).put((byte) 1).putShort((short) n).put(one, at, n);
        }
        framed.flip();
        byte[] split = new byte[framed.remaining()];
        framed.get(split);
        Inspection afterFirst = HelloInspector.inspect(ByteBuffer.wrap(split, 0, 105), MAX);
        int atLeast = assertInstanceOf(Inspection.NeedMore.class, afterFirst).atLeast();
        // the handshake header says how many bytes are left: they need at least one more record header
        assertEquals(105 + 5 + (body - 100), atLeast);
        assertTrue(atLeast <= split.length);
        assertInstanceOf(Inspection.Hello.class, HelloInspector.inspect(ByteBuffer.wrap(split), MAX));
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET / HTTP/1.1\r\n", "POST /x HTTP/1.1\r\n", "HEAD / HTTP/1.0\r\n", "PUT /", "DELETE /a",
        "OPTIONS *", "CONNECT a:443", "PATCH /p"})
    void plainHttpIsRejectedAsSuch(String request) {
        Inspection.Reject r = assertInstanceOf(Inspection.Reject.class,
                HelloInspector.inspect(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)), MAX));
        assertTrue(r.plainHttp());
        assertEquals("tls.reject.plain_http", r.counter());
    }

    @Test
    void aMethodNotYetCompleteWaitsForTheNextByte() {
        Inspection i = HelloInspector.inspect(ByteBuffer.wrap("GE".getBytes(StandardCharsets.US_ASCII)), MAX);
        assertEquals(new Inspection.NeedMore(3), i);
    }

    @Test
    void garbageIsRejected() {
        Inspection.Reject r = assertInstanceOf(Inspection.Reject.class,
                HelloInspector.inspect(ByteBuffer.wrap(new byte[] {0x00, 0x01, 0x02}), MAX));
        assertEquals("tls.reject.not_tls", r.counter());
        assertFalse(r.plainHttp());
        r = assertInstanceOf(Inspection.Reject.class, HelloInspector.inspect(ByteBuffer.wrap(
                new byte[] {22, 3, 1, 0x7f, (byte) 0xff}), MAX));
        assertEquals("tls.reject.bad_record", r.counter());
        r = assertInstanceOf(Inspection.Reject.class, HelloInspector.inspect(ByteBuffer.wrap(
                new byte[] {22, 3, 1, 0x10, 0x00}), 1024));
        assertEquals("tls.reject.too_large", r.counter());
    }

    @Test
    void neverThrowsOnRandomOrMutatedInput() throws Exception {
        Random random = new Random(20260601);
        byte[] hello = jdkHello("fuzz.example.com", "http/1.1");
        for (int round = 0; round < 20_000; round++) {
            byte[] b;
            if (round % 2 == 0) {
                b = new byte[random.nextInt(64)];
                random.nextBytes(b);
            } else {
                b = hello.clone();
                for (int k = 0; k < 1 + random.nextInt(4); k++) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
                b = java.util.Arrays.copyOf(b, 1 + random.nextInt(b.length));
            }
            Inspection i = HelloInspector.inspect(ByteBuffer.wrap(b), MAX);
            assertNotNull(i);
            if (i instanceof Inspection.NeedMore more) {
                assertTrue(more.atLeast() > b.length && more.atLeast() <= MAX, more + " for " + b.length + " bytes");
            }
        }
    }
}
