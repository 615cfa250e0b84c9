package dev.rsp.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkDecoderTest {

    private static final String BODY = "5;ext=1\r\nhello\r\n1a\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Sum: 42\r\nEtag:  \"a\" \r\n\r\n";

    /** Feeds {@code body} in pieces of at most {@code piece} bytes, taking at most {@code take} data bytes a time. */
    private static String decode(ChunkDecoder d, String body, int piece, int take, Random r) {
        byte[] all = body.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int at = 0;
        while (at < all.length && !d.done()) {
            int len = r == null ? Math.min(piece, all.length - at) : 1 + r.nextInt(Math.min(piece, all.length - at));
            ByteBuffer src = ByteBuffer.wrap(all, at, len);
            while (src.hasRemaining() && !d.done()) {
                int n = Math.min(d.advance(src), take);
                if (n == 0) {
                    break;
                }
                data.write(all, src.position(), n);
                src.position(src.position() + n);
                d.took(n);
            }
            at = src.position();
        }
        return data.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void dataAndTrailersComeOutWhateverTheSplit() {
        for (int piece : new int[] {1, 2, 3, 7, 1000}) {
            for (int take : new int[] {1, 4, 100}) {
                ChunkDecoder d = new ChunkDecoder();
                assertEquals("helloabcdefghijklmnopqrstuvwxyz", decode(d, BODY, piece, take, null), piece + "/" + take);
                assertTrue(d.done());
                assertEquals(2, d.trailers().size());
                assertEquals("x-sum", d.trailers().get(0)[0]);
                assertEquals("42", d.trailers().get(0)[1]);
                assertEquals("\"a\"", d.trailers().get(1)[1]);
            }
        }
    }

    @Test
    void randomSplitsWithAFixedSeed() {
        Random r = new Random(17);
        for (int i = 0; i < 200; i++) {
            ChunkDecoder d = new ChunkDecoder();
            assertEquals("helloabcdefghijklmnopqrstuvwxyz", decode(d, BODY, 9, 1 + r.nextInt(8), r));
            assertTrue(d.done());
        }
    }

    @Test
    void stopsAtTheEndAndLeavesWhatFollows() {
        ChunkDecoder d = new ChunkDecoder();
        ByteBuffer src = ByteBuffer.wrap("0\r\n\r\nNEXT".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(0, d.advance(src));
        assertTrue(d.done());
        assertEquals(4, src.remaining());
        assertTrue(d.trailers().isEmpty());
    }

    @Test
    void resetStartsAnewBody() {
        ChunkDecoder d = new ChunkDecoder();
        decode(d, "3\r\nabc\r\n0\r\nA: b\r\n\r\n", 100, 100, null);
        d.reset();
        assertFalse(d.done());
        assertEquals("xy", decode(d, "2\r\nxy\r\n0\r\n\r\n", 100, 100, null));
        assertTrue(d.trailers().isEmpty());
    }
}
