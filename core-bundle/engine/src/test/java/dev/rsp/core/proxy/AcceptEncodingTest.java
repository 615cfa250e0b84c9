package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Accept-Encoding as RFC 9110 12.5.3 reads it, for gzip: q-values, q=0 refusals, {@code *}, malformed members. */
class AcceptEncodingTest {

    @Test
    void gzipIsTakenWhenNamedWithAWeightAboveZero() {
        for (String v : new String[] {"gzip", "GZip", "x-gzip", "deflate, gzip, br", "br;q=1.0, gzip;q=0.8",
                "gzip;q=0.001", "gzip ; q=1", "gzip;q=1.000", "identity, gzip;level=1"}) {
            assertTrue(AcceptEncoding.acceptsGzip(v), v);
        }
    }

    @Test
    void aZeroWeightRefusesAndStarCoversWhatIsNotNamed() {
        for (String v : new String[] {"gzip;q=0", "gzip;q=0.000", "*;q=0", "br, *;q=0", "gzip;q=0, *",
                "identity", "br", "", "gzip;q=2", "gzip;q=0.5x", "gzip;q=", "gzipx"}) {
            assertFalse(AcceptEncoding.acceptsGzip(v), v);
        }
        assertFalse(AcceptEncoding.acceptsGzip(null), "no field: no coding");
        assertTrue(AcceptEncoding.acceptsGzip("*"));
        assertTrue(AcceptEncoding.acceptsGzip("br, *;q=0.1"));
        assertTrue(AcceptEncoding.acceptsGzip("gzip;q=0, gzip"), "the better of two weights");
    }

    @Test
    void weightsAreReadInThousandths() {
        assertEquals(500, AcceptEncoding.quality("q=0.5", 0, 5));
        assertEquals(1000, AcceptEncoding.quality("q=1", 0, 3));
        assertEquals(1000, AcceptEncoding.quality("level=3", 0, 7));
        assertEquals(0, AcceptEncoding.quality("q=1.5", 0, 5));
    }
}
