package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.h2.HeaderBlockDecoder.Outcome;
import dev.rsp.core.h2.hpack.HpackEncoder;
import dev.rsp.core.h2.hpack.HpackLimits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An HTTP/2 backend's field blocks as the HTTP/1.1 heads the exchange reads: what passes, the framing added, and what
 * is malformed (RFC 9113 8.3), including values that would split the HTTP/1.1 head if they got through.
 */
class H2ResponseDecoderTest {

    private final HpackEncoder encoder = new HpackEncoder();
    private final H2ResponseDecoder decoder = new H2ResponseDecoder(HpackLimits.DEFAULT, 16_384);

    /** Encodes {name, value} pairs (":status" included as given) into a block. */
    private ByteBuffer block(String... nameValues) {
        ByteBuffer out = ByteBuffer.allocate(4096);
        encoder.startBlock(out);
        for (int i = 0; i < nameValues.length; i += 2) {
            byte[] n = nameValues[i].getBytes(StandardCharsets.ISO_8859_1);
            byte[] v = nameValues[i + 1].getBytes(StandardCharsets.ISO_8859_1);
            if (!nameValues[i].equals(nameValues[i].toLowerCase(java.util.Locale.ROOT))) {
                // as a hostile peer sends it: a literal with a new name, no Huffman (our encoder lower-cases names)
                out.put((byte) 0x00).put((byte) n.length).put(n).put((byte) v.length).put(v);
                continue;
            }
            encoder.field(out, n, n.length, v, v.length, false);
        }
        return out.flip();
    }

    private static String text(ByteBuffer b) {
        return StandardCharsets.ISO_8859_1.decode(b.duplicate()).toString();
    }

    @Test
    void aHeadBecomesAnHttp11HeadWithItsFraming() {
        assertEquals(Outcome.DECODED, decoder.decode(block(":status", "200", "content-type", "application/grpc",
                "grpc-encoding", "identity"), true));
        assertNull(decoder.malformed(false));
        assertEquals("HTTP/1.1 200 OK\r\ncontent-type: application/grpc\r\ngrpc-encoding: identity\r\n"
                + "transfer-encoding: chunked\r\n\r\n", text(decoder.head(true, false)));

        decoder.decode(block(":status", "404", "content-length", "7"), true);
        assertTrue(decoder.sized());
        assertEquals("HTTP/1.1 404 Not Found\r\ncontent-length: 7\r\n\r\n", text(decoder.head(false, false)));

        decoder.decode(block(":status", "200", "grpc-status", "3"), true);
        assertEquals("HTTP/1.1 200 OK\r\ngrpc-status: 3\r\ncontent-length: 0\r\n\r\n", text(decoder.head(false, true)),
                "a head that ends the stream (gRPC Trailers-Only) has a length of 0");

        decoder.decode(block(":status", "299"), true);
        assertEquals("HTTP/1.1 299 \r\n\r\n", text(decoder.head(false, false)), "an unknown status has an empty reason");
    }

    @Test
    void interimHeadsAreInformationalAndTrailersAreFields() {
        assertEquals(Outcome.INFORMATIONAL, decoder.decode(block(":status", "103", "link", "</a.css>; rel=preload"), true));
        assertEquals("HTTP/1.1 103 \r\nlink: </a.css>; rel=preload\r\n\r\n", text(decoder.head(false, false)));

        assertEquals(Outcome.DECODED, decoder.decode(block("grpc-status", "0", "grpc-message", "ok"), true));
        assertNull(decoder.malformed(true));
        List<String[]> t = decoder.trailers();
        assertEquals(2, t.size());
        assertEquals("grpc-status=0 grpc-message=ok", t.get(0)[0] + "=" + t.get(0)[1] + " " + t.get(1)[0] + "=" + t.get(1)[1]);
    }

    @Test
    void malformedBlocksAreNamed() {
        String[][] cases = {
                {"no :status", "content-type", "text/plain"},
                {":status twice", ":status", "200", ":status", "204"},
                {":status after a field", ":status", "200", "x", "1", ":status", "200"},
                {"is not a status code", ":status", "20"},
                {"is not a status code", ":status", "2x0"},
                {"is not a status code", ":status", "099"},
                {"101 in HTTP/2", ":status", "101"},
                {"pseudo-header :path in a response", ":status", "200", ":path", "/"},
                {"connection-specific field connection", ":status", "200", "connection", "close"},
                {"connection-specific field transfer-encoding", ":status", "200", "transfer-encoding", "chunked"},
                {"connection-specific field keep-alive", ":status", "200", "keep-alive", "5"},
                {"connection-specific field upgrade", ":status", "200", "upgrade", "h2c"},
                {"invalid field name or value", ":status", "200", "X-Upper", "1"},
                {"invalid field name or value", ":status", "200", "x-split", "a\r\nset-cookie: stolen=1"},
                {"invalid field name or value", ":status", "200", "x-nul", "a\0b"},
                {"invalid field name or value", ":status", "200", "x-lf", "a\nb"},
        };
        for (String[] c : cases) {
            String[] fields = java.util.Arrays.copyOfRange(c, 1, c.length);
            decoder.decode(block(fields), true);
            String why = decoder.malformed(false);
            assertTrue(why != null && why.contains(c[0]), String.join(" ", fields) + ": " + why);
        }
        decoder.decode(block("x", "1", ":status", "200"), true);
        assertTrue(decoder.malformed(true) != null, "a pseudo-header in trailers");
        decoder.decode(block(":status", "200"), true);
        assertEquals("a pseudo-header in trailers", decoder.malformed(true), "a head where trailers were due");
    }

    @Test
    void aHeadOverTheLimitIsMalformedNotCut() {
        H2ResponseDecoder small = new H2ResponseDecoder(HpackLimits.DEFAULT, 64);
        small.decode(block(":status", "200", "x-big", "v".repeat(100)), true);
        assertEquals("response head too large", small.malformed(false));
    }

    @Test
    void aBlockNotKeptOnlyUpdatesTheTable() {
        ByteBuffer first = block(":status", "200", "x-indexed", "value");
        assertEquals(Outcome.DECODED, decoder.decode(first, false), "a block of a stream rsp gave up is decoded");
        // the encoder indexed x-indexed; the decoder must have too, or this block would not decode
        assertEquals(Outcome.DECODED, decoder.decode(block(":status", "200", "x-indexed", "value"), true));
        assertEquals("HTTP/1.1 200 OK\r\nx-indexed: value\r\n\r\n", text(decoder.head(false, false)));
    }
}
