package dev.rsp.tls.hello;

import static dev.rsp.tls.hello.ClientHelloBuilder.concat;
import static dev.rsp.tls.hello.ClientHelloBuilder.handshake;
import static dev.rsp.tls.hello.ClientHelloBuilder.record;
import static dev.rsp.tls.hello.ClientHelloBuilder.records;
import static dev.rsp.tls.hello.ClientHelloBuilder.u16;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rsp.tls.hello.ClientHelloParser.Status;
import dev.rsp.tls.hello.Rejection.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Every rejection names the exact counter; the decision comes as soon as the offending bytes are in. */
class ClientHelloRejectionTest {

    static void assertRejected(String counter, byte[] bytes) {
        assertRejected(counter, bytes, ClientHelloParser.DEFAULT_MAX_BYTES);
    }

    static void assertRejected(String counter, byte[] bytes, int maxBytes) {
        ClientHelloParser p = new ClientHelloParser(maxBytes);
        assertEquals(Status.REJECT, p.parse(ByteBuffer.wrap(bytes)), "status");
        assertEquals(counter, p.rejection().reason().counter(), p.rejection().detail());
        // Fed byte by byte, the same verdict.
        ClientHelloParser q = new ClientHelloParser(maxBytes);
        Status s = Status.NEED_MORE;
        for (int n = 1; n <= bytes.length && s == Status.NEED_MORE; n++) {
            s = q.parse(ByteBuffer.wrap(bytes, 0, n));
        }
        assertEquals(Status.REJECT, s);
        assertEquals(p.rejection(), q.rejection());
    }

    static ClientHelloBuilder good() {
        return ClientHelloBuilder.modern("a.example.com");
    }

    @Test
    void notTls() {
        assertRejected("tls.reject.not_tls", new byte[] {0, 1, 2, 3, 4, 5});
        assertRejected("tls.reject.not_tls", "SSH-2.0-OpenSSH_9.6\r\n".getBytes(StandardCharsets.US_ASCII));
        assertRejected("tls.reject.not_tls", "get / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
        // SSLv2-style hello (high bit set).
        assertRejected("tls.reject.not_tls", new byte[] {(byte) 0x80, 0x2e, 0x01, 0x03, 0x01});
        // A handshake content type but not a TLS version.
        assertRejected("tls.reject.not_tls", new byte[] {22, 'E', 'T', ' ', '/'});
    }

    @Test
    void plainHttp() {
        assertRejected("tls.reject.plain_http", "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(Reason.PLAIN_HTTP.counter(), "tls.reject.plain_http");
    }

    @Test
    void tooLarge() {
        // Declared by the first record header: decided after 5 bytes.
        assertRejected("tls.reject.too_large", new byte[] {22, 3, 1, 0x40, 0x00}, 4096);
        // Declared by the handshake header, records still small.
        byte[] big = good().padding(20_000).handshake();
        assertRejected("tls.reject.too_large", ClientHelloBuilder.recordsOf(Arrays.copyOf(big, 100), 100));
        // Many small records whose headers push the total over the cap.
        byte[] hs = good().padding(5_000).handshake();
        assertRejected("tls.reject.too_large", ClientHelloBuilder.recordsOf(hs, 3), ClientHelloParser.DEFAULT_MAX_BYTES);
    }

    @Test
    void badRecord() {
        byte[] hs = good().handshake();
        assertRejected("tls.reject.bad_record", records(hs, 0x0304, 1));
        assertRejected("tls.reject.bad_record", records(hs, 0x0300, 1));
        assertRejected("tls.reject.bad_record", concat(record(22, 0x0301, new byte[0]), records(hs, 0x0301, 1)));
        assertRejected("tls.reject.bad_record", new byte[] {22, 3, 1, 0x40, 0x01});
        // An alert record in the middle of the hello.
        byte[] first = record(22, 0x0301, Arrays.copyOf(hs, 10));
        assertRejected("tls.reject.bad_record", concat(first, record(21, 0x0303, new byte[] {2, 40})));
    }

    @Test
    void badHandshake() {
        byte[] body = good().body();
        assertRejected("tls.reject.bad_handshake", records(handshake(2, body), 0x0301, 1));
        assertRejected("tls.reject.bad_handshake", records(handshake(1, Arrays.copyOf(body, 20)), 0x0301, 1));
        assertRejected("tls.reject.bad_handshake", new ClientHelloBuilder().legacyVersion(0x0202).bytes());
        assertRejected("tls.reject.bad_handshake", new ClientHelloBuilder().sessionId(33).bytes());
        assertRejected("tls.reject.bad_handshake", new ClientHelloBuilder().cipherSuites().bytes());
        // Extensions length that does not match the rest of the body.
        byte[] shortened = Arrays.copyOf(body, body.length - 1);
        assertRejected("tls.reject.bad_handshake", records(handshake(1, shortened), 0x0301, 1));
        // Trailing garbage after an extension-less body.
        byte[] noExt = new ClientHelloBuilder().noExtensions().body();
        assertRejected("tls.reject.bad_handshake", records(handshake(1, concat(noExt, new byte[] {1})), 0x0301, 1));
    }

    @Test
    void badExtension() {
        assertRejected("tls.reject.bad_extension", new ClientHelloBuilder().serverName("bad name.example").bytes());
        assertRejected("tls.reject.bad_extension", new ClientHelloBuilder().serverName("a..b").bytes());
        assertRejected("tls.reject.bad_extension", new ClientHelloBuilder().serverName("a".repeat(64) + ".com").bytes());
        assertRejected("tls.reject.bad_extension", new ClientHelloBuilder().serverName("caf\u00e9.example").bytes());
        assertRejected("tls.reject.bad_extension", new ClientHelloBuilder().serverName("a.b\u0000.evil").bytes());
        assertRejected("tls.reject.bad_extension", new ClientHelloBuilder().extension(0, new byte[0]).bytes());
        byte[] twoHostNames = u16(concat(concat(new byte[] {0}, u16("a.b".getBytes(StandardCharsets.US_ASCII))),
                concat(new byte[] {0}, u16("c.d".getBytes(StandardCharsets.US_ASCII)))));
        assertRejected("tls.reject.bad_extension", new ClientHelloBuilder().extension(0, twoHostNames).bytes());
        assertRejected("tls.reject.bad_extension", new ClientHelloBuilder().alpn("h2", "").bytes());
        assertRejected("tls.reject.bad_extension", new ClientHelloBuilder().extension(16, new byte[] {0, 4, 2, 'h', '2'}).bytes());
        assertRejected("tls.reject.bad_extension", new ClientHelloBuilder().extension(43, new byte[] {3, 3, 4, 3}).bytes());
        assertRejected("tls.reject.bad_extension", new ClientHelloBuilder().extension(43, new byte[] {2, 3, 4, 0}).bytes());
        // An extension whose length runs past the hello.
        byte[] body = new ClientHelloBuilder().noExtensions().body();
        byte[] overrun = concat(body, u16(concat(new byte[] {0, 99, 0, 50}, new byte[4])));
        assertRejected("tls.reject.bad_extension", records(handshake(1, overrun), 0x0301, 1));
        // Trailing bytes inside a known extension.
        assertRejected("tls.reject.bad_extension", new ClientHelloBuilder()
                .extension(16, concat(u16(new byte[] {2, 'h', '2'}), new byte[] {0})).bytes());
    }

    @Test
    void duplicateExtension() {
        assertRejected("tls.reject.duplicate_extension", new ClientHelloBuilder().serverName("a.b").serverName("c.d").bytes());
        assertRejected("tls.reject.duplicate_extension", new ClientHelloBuilder().extension(0xFFFF, new byte[0])
                .alpn("h2").extension(0xFFFF, new byte[0]).bytes());
    }

    @Test
    void duplicatesAreFoundAmongManyExtensions() {
        // Past the first few dozen types the decoder keeps a bit per type instead of a list: both must agree.
        for (int distinct : new int[] {10, 47, 48, 49, 300}) {
            ClientHelloBuilder unique = new ClientHelloBuilder();
            for (int i = 0; i < distinct; i++) {
                unique.extension(0x7000 + i * 37, new byte[0]);
            }
            ClientHelloParser ok = new ClientHelloParser(ClientHelloParser.DEFAULT_MAX_BYTES);
            assertEquals(Status.DONE, ok.parse(ByteBuffer.wrap(unique.bytes())), distinct + " distinct extensions");
            for (int again : new int[] {0, distinct / 2, distinct - 1}) {
                ClientHelloBuilder twice = new ClientHelloBuilder();
                for (int i = 0; i < distinct; i++) {
                    twice.extension(0x7000 + i * 37, new byte[0]);
                }
                twice.extension(0x7000 + again * 37, new byte[0]);
                assertRejected("tls.reject.duplicate_extension", twice.bytes());
            }
        }
    }

    @Test
    void countersAreDistinctAndNamed() {
        assertEquals(8, Arrays.stream(Reason.values()).map(Reason::counter).distinct().count());
        for (Reason r : Reason.values()) {
            assertEquals("tls.reject." + r.name().toLowerCase(java.util.Locale.ROOT), r.counter());
        }
    }
}
