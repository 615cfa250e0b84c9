package dev.rsp.core.h2.hpack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** RFC 9113 §8.2.1, byte by byte. */
class FieldChecksTest {

    private static boolean name(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return FieldChecks.validName(b, b.length);
    }

    private static boolean value(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return FieldChecks.validValue(b, b.length);
    }

    @Test
    void names() {
        assertTrue(name("content-type"));
        assertTrue(name(":path"));
        assertTrue(name("x-!#$%&'*+.^_`|~09"));
        assertFalse(name(""));
        assertFalse(name(":"));
        assertFalse(name("Content-Type"), "upper case");
        assertFalse(name("a b"));
        assertFalse(name("a:b"), "a colon other than the first byte");
        assertFalse(name("::path"));
        for (int b = 0; b < 256; b++) {
            boolean allowed = b > 0x20 && b < 0x7F && !(b >= 'A' && b <= 'Z') && b != ':';
            assertEquals(allowed, name("x" + (char) b), "byte " + b);
        }
        byte[] padded = "x-aB".getBytes(StandardCharsets.ISO_8859_1);
        assertTrue(FieldChecks.validName(padded, 3), "only the given length counts");
    }

    @Test
    void pseudoHeaders() {
        byte[] path = ":path".getBytes(StandardCharsets.ISO_8859_1);
        assertTrue(FieldChecks.pseudoHeader(path, path.length));
        assertFalse(FieldChecks.pseudoHeader(path, 0));
        byte[] host = "host".getBytes(StandardCharsets.ISO_8859_1);
        assertFalse(FieldChecks.pseudoHeader(host, host.length));
    }

    @Test
    void values() {
        assertTrue(value(""));
        assertTrue(value("a b\tc"));
        assertTrue(value("caf\u00e9 \u0001"), "obs-text and other controls are the recipient's call");
        assertFalse(value(" a"));
        assertFalse(value("a "));
        assertFalse(value("\ta"));
        assertFalse(value("a\t"));
        assertFalse(value(" "));
        assertFalse(value("a\u0000b"));
        assertFalse(value("a\rb"));
        assertFalse(value("a\nb"));
    }
}
