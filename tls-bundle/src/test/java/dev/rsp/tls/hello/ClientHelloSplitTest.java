package dev.rsp.tls.hello;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rsp.tls.hello.ClientHelloParser.Status;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * However the bytes arrive (one at a time, at every split point, across 1 to 5 records), the parser reaches the same
 * ClientHello, says NEED_MORE until the last byte of the last record, and never needs the bytes twice.
 */
class ClientHelloSplitTest {

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of("minimal", new ClientHelloBuilder().sessionId(0).noExtensions()),
                Arguments.of("sni only", new ClientHelloBuilder().serverName("a.example.com")),
                Arguments.of("chrome-like post-quantum", ClientHelloBuilder.modern("www.example.com")),
                Arguments.of("padded to 2 KiB+", ClientHelloBuilder.modern("pad.example.net").padding(900)),
                Arguments.of("two big key shares", ClientHelloBuilder.modern("big.example")
                        .padding(300).extension(0xFE0D, new byte[700])));
    }

    static Stream<Arguments> shapesAndRecords() {
        return shapes().flatMap(a -> Stream.of(1, 2, 3, 4, 5).map(n -> Arguments.of(a.get()[0], a.get()[1], n)));
    }

    @ParameterizedTest(name = "{0} in {2} record(s)")
    @MethodSource("shapesAndRecords")
    void oneByteAtATimeIntoAGrowingBuffer(String name, ClientHelloBuilder builder, int records) {
        byte[] bytes = builder.records(records);
        ClientHello whole = ClientHelloParserTest.hello(bytes);
        ClientHelloParser p = new ClientHelloParser(ClientHelloParser.DEFAULT_MAX_BYTES);
        for (int n = 0; n < bytes.length; n++) {
            assertEquals(Status.NEED_MORE, p.parse(ByteBuffer.wrap(bytes, 0, n)), () -> "early decision");
        }
        assertEquals(Status.DONE, p.parse(ByteBuffer.wrap(bytes)));
        assertEquals(whole, p.hello());
        assertEquals(bytes.length, p.hello().length());
    }

    @ParameterizedTest(name = "{0} in {2} record(s)")
    @MethodSource("shapesAndRecords")
    void everySplitPointIntoTwoReads(String name, ClientHelloBuilder builder, int records) {
        byte[] bytes = builder.records(records);
        ClientHello whole = ClientHelloParserTest.hello(bytes);
        for (int split = 0; split < bytes.length; split++) {
            ClientHelloParser p = new ClientHelloParser(ClientHelloParser.DEFAULT_MAX_BYTES);
            assertEquals(Status.NEED_MORE, p.parse(ByteBuffer.wrap(bytes, 0, split)));
            assertEquals(Status.DONE, p.parse(ByteBuffer.wrap(bytes)));
            assertEquals(whole, p.hello());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void oneByteRecords(String name, ClientHelloBuilder builder) {
        byte[] handshake = builder.handshake();
        byte[] bytes = ClientHelloBuilder.recordsOf(handshake, 1);
        int maxBytes = bytes.length;
        ClientHelloParser p = new ClientHelloParser(maxBytes);
        assertEquals(Status.DONE, p.parse(ByteBuffer.wrap(bytes)), () -> p.parse(ByteBuffer.wrap(bytes)) == Status.REJECT
                ? p.rejection().toString() : "");
        assertEquals(bytes.length, p.hello().length());
        ClientHelloParser tight = new ClientHelloParser(maxBytes - 1);
        assertEquals(Status.REJECT, tight.parse(ByteBuffer.wrap(bytes)));
        assertEquals("tls.reject.too_large", tight.rejection().reason().counter());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void aBufferThatStartsLaterAndIsReadOnly(String name, ClientHelloBuilder builder) {
        byte[] hello = builder.records(3);
        byte[] framed = new byte[hello.length + 10];
        System.arraycopy(hello, 0, framed, 7, hello.length);
        ClientHelloParser p = new ClientHelloParser(ClientHelloParser.DEFAULT_MAX_BYTES);
        for (int n = 0; n < hello.length; n += 97) {
            assertEquals(Status.NEED_MORE, p.parse(ByteBuffer.wrap(framed, 7, n).slice().asReadOnlyBuffer()));
        }
        assertEquals(Status.DONE, p.parse(ByteBuffer.wrap(framed).position(7).limit(7 + hello.length)));
        Optional<String> sni = p.hello().serverName();
        assertEquals(ClientHelloParserTest.hello(hello).serverName(), sni);
        assertEquals(List.copyOf(ClientHelloParserTest.hello(hello).alpn()), p.hello().alpn());
    }
}
