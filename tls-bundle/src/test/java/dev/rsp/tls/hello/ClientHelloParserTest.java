package dev.rsp.tls.hello;

import static dev.rsp.tls.hello.ClientHelloBuilder.concat;
import static dev.rsp.tls.hello.ClientHelloBuilder.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.tls.hello.ClientHelloParser.Status;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientHelloParserTest {

    static ClientHelloParser parsed(byte[] bytes) {
        ClientHelloParser p = new ClientHelloParser(ClientHelloParser.DEFAULT_MAX_BYTES);
        p.parse(ByteBuffer.wrap(bytes));
        return p;
    }

    static ClientHello hello(byte[] bytes) {
        ClientHelloParser p = parsed(bytes);
        assertEquals(Status.DONE, p.parse(ByteBuffer.wrap(bytes)), () -> "rejected: " + p.rejection());
        return p.hello();
    }

    @Test
    void readsSniAlpnAndVersionsOfAModernHello() {
        byte[] bytes = ClientHelloBuilder.modern("Fred.Example.com").bytes();
        assertTrue(bytes.length > 1400, "a post-quantum-sized hello: " + bytes.length);
        ClientHello h = hello(bytes);
        assertEquals(Optional.of("Fred.Example.com"), h.serverName());
        assertEquals(List.of("h2", "http/1.1"), h.alpn());
        assertEquals(List.of(0x0304, 0x0303), h.supportedVersions());
        assertEquals(List.of(0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601), h.signatureSchemes(),
                "signature_algorithms in the client's order, GREASE left out");
        assertEquals(0x0303, h.legacyVersion());
        assertEquals(bytes.length, h.length());
        assertTrue(h.offersTls13());
    }

    @Test
    void signatureAlgorithmsAreBoundedAndChecked() {
        int[] many = new int[200];
        for (int i = 0; i < many.length; i++) {
            many[i] = 0x0100 + i;
        }
        ClientHello h = hello(new ClientHelloBuilder().serverName("a.b").signatureAlgorithms(many).bytes());
        assertEquals(ClientHello.MAX_SIGNATURE_SCHEMES, h.signatureSchemes().size(), "the first ones kept");
        assertEquals(0x0100, h.signatureSchemes().get(0));
        ClientHelloParser odd = parsed(new ClientHelloBuilder().extension(13, new byte[] {0, 3, 4, 3, 8}).bytes());
        assertEquals(Status.REJECT, odd.parse(ByteBuffer.wrap(new ClientHelloBuilder().extension(13, new byte[] {0, 3, 4, 3, 8}).bytes())));
        assertEquals(Rejection.Reason.BAD_EXTENSION, odd.rejection().reason());
        ClientHelloParser empty = parsed(new ClientHelloBuilder().extension(13, new byte[] {0, 0}).bytes());
        assertEquals(Rejection.Reason.BAD_EXTENSION, empty.rejection().reason(), "an empty list is malformed");
        assertEquals(List.of(), hello(new ClientHelloBuilder().serverName("a.b").bytes()).signatureSchemes(),
                "none without the extension");
        assertTrue(ClientHelloDecoder.isGrease(0xDADA));
        assertFalse(ClientHelloDecoder.isGrease(0x0A1A));
    }

    @Test
    void withoutExtensionsTheLegacyVersionIsTheOffer() {
        ClientHello h = hello(new ClientHelloBuilder().legacyVersion(0x0301).sessionId(0).noExtensions().bytes());
        assertEquals(Optional.empty(), h.serverName());
        assertEquals(List.of(), h.alpn());
        assertEquals(List.of(0x0301), h.supportedVersions());
        assertFalse(h.offersTls13());
    }

    @Test
    void unknownExtensionsAndGreaseAreSkippedAndVersionsKeptAsSent() {
        byte[] bytes = new ClientHelloBuilder().extension(0x0A0A, new byte[0]).serverName("a.b")
                .supportedVersions(0x3A3A, 0x0304).extension(0xFFFF, new byte[300]).extension(0x1A1A, new byte[] {0})
                .bytes();
        ClientHello h = hello(bytes);
        assertEquals(Optional.of("a.b"), h.serverName());
        assertEquals(List.of(0x3A3A, 0x0304), h.supportedVersions());
    }

    @Test
    void bigPostQuantumHelloAcrossRecordsOfTheMaximumSize() {
        byte[] handshake = ClientHelloBuilder.modern("pq.example.org").padding(12_000).handshake();
        byte[] bytes = ClientHelloBuilder.recordsOf(handshake, ClientHelloParser.MAX_FRAGMENT);
        ClientHello h = hello(bytes);
        assertEquals(Optional.of("pq.example.org"), h.serverName());
        assertEquals(bytes.length, h.length());
    }

    @Test
    void trailingBytesAfterTheHelloAreNotPartOfIt() {
        byte[] hello = ClientHelloBuilder.modern("x.example").bytes();
        byte[] bytes = concat(hello, record(20, 0x0303, new byte[] {1}));
        assertEquals(hello.length, hello(bytes).length());
    }

    @Test
    void theBufferIsNeitherMovedNorChanged() {
        byte[] bytes = concat(new byte[] {9, 9, 9}, ClientHelloBuilder.modern("a.example").bytes());
        byte[] copy = bytes.clone();
        ByteBuffer buf = ByteBuffer.wrap(bytes).position(3);
        ClientHelloParser p = new ClientHelloParser(ClientHelloParser.DEFAULT_MAX_BYTES);
        assertEquals(Status.DONE, p.parse(buf));
        assertEquals(3, buf.position());
        assertEquals(bytes.length, buf.limit());
        assertTrue(Arrays.equals(copy, bytes));
        assertEquals(Optional.of("a.example"), p.hello().serverName());
    }

    @Test
    void directAndReadOnlyBuffersWork() {
        byte[] bytes = ClientHelloBuilder.modern("d.example").records(3);
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip().asReadOnlyBuffer();
        ClientHelloParser p = new ClientHelloParser(ClientHelloParser.DEFAULT_MAX_BYTES);
        assertEquals(Status.DONE, p.parse(direct));
        assertEquals(Optional.of("d.example"), p.hello().serverName());
    }

    @Test
    void resultsAreFinalAndAccessorsSayWhenThereIsNone() {
        ClientHelloParser p = new ClientHelloParser(ClientHelloParser.DEFAULT_MAX_BYTES);
        assertEquals(Status.NEED_MORE, p.parse(ByteBuffer.allocate(0)));
        assertThrows(IllegalStateException.class, p::hello);
        assertThrows(IllegalStateException.class, p::rejection);
        byte[] bytes = ClientHelloBuilder.modern("a.example").bytes();
        assertEquals(Status.DONE, p.parse(ByteBuffer.wrap(bytes)));
        assertEquals(Status.DONE, p.parse(ByteBuffer.wrap(new byte[] {'G', 'E', 'T', ' '})));
        assertThrows(IllegalStateException.class, p::rejection);
        assertThrows(IllegalArgumentException.class, () -> new ClientHelloParser(10));
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET / HTTP/1.1\r\nHost: a\r\n\r\n", "POST /x HTTP/1.1\r\n", "PRI * HTTP/2.0\r\n", "OPTIONS * HTTP/1.1\r\n"})
    void plainHttpIsRecognizedOnceTheMethodEnds(String request) {
        byte[] bytes = request.getBytes(StandardCharsets.US_ASCII);
        ClientHelloParser p = new ClientHelloParser(ClientHelloParser.DEFAULT_MAX_BYTES);
        int method = request.indexOf(' ');
        for (int n = 1; n <= method; n++) {
            assertEquals(Status.NEED_MORE, p.parse(ByteBuffer.wrap(bytes, 0, n)), "after " + n + " bytes");
        }
        assertEquals(Status.REJECT, p.parse(ByteBuffer.wrap(bytes)));
        assertEquals(Rejection.Reason.PLAIN_HTTP, p.rejection().reason());
        assertEquals("tls.reject.plain_http", p.rejection().reason().counter());
        assertTrue(ClientHelloParser.looksLikeHttp(ByteBuffer.wrap(bytes)));
    }

    @Test
    void looksLikeHttpIsFalseForTlsAndGarbage() {
        assertFalse(ClientHelloParser.looksLikeHttp(ByteBuffer.wrap(ClientHelloBuilder.modern("a.b").bytes())));
        assertFalse(ClientHelloParser.looksLikeHttp(ByteBuffer.wrap(" GET".getBytes(StandardCharsets.US_ASCII))));
        assertFalse(ClientHelloParser.looksLikeHttp(ByteBuffer.wrap("get / HTTP/1.1".getBytes(StandardCharsets.US_ASCII))));
        assertFalse(ClientHelloParser.looksLikeHttp(ByteBuffer.wrap("GET".getBytes(StandardCharsets.US_ASCII))));
        assertFalse(ClientHelloParser.looksLikeHttp(ByteBuffer.wrap("ABCDEFGHIJKLMNOPQRSTUVWXYZ /".getBytes(StandardCharsets.US_ASCII))));
    }
}
