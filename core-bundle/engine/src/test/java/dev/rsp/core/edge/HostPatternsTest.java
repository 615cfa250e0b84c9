package dev.rsp.core.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Host patterns as every key that names hosts reads them: exact names, {@code *.suffix}, {@code *}. */
class HostPatternsTest {

    @Test
    void exactSuffixAndEvery() {
        List<String> errors = new ArrayList<>();
        HostPatterns p = HostPatterns.parse("k", " Example.COM , *.Shop.example.org,", errors);
        assertEquals(List.of(), errors);
        assertEquals("example.com, *.shop.example.org", p.toString());
        assertTrue(p.matches("example.com"));
        assertFalse(p.matches("www.example.com"), "an exact name is not its subdomains");
        assertTrue(p.matches("a.shop.example.org"));
        assertTrue(p.matches("a.b.shop.example.org"));
        assertFalse(p.matches("shop.example.org"), "*.name is the subdomains, not the name");
        assertFalse(p.matches("evilshop.example.org"));
        assertTrue(HostPatterns.parse("k", "*", errors).matches("anything.example"));
        assertTrue(HostPatterns.parse("k", " ", errors).isEmpty());
        assertFalse(HostPatterns.NONE.matches("example.com"));
    }

    @Test
    void whatIsNotAHostPatternIsAnErrorNamingTheKey() {
        List<String> errors = new ArrayList<>();
        HostPatterns.parse("redirect.https", "ok.example, bad host, *.", errors);
        assertEquals(2, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("redirect.https = 'ok.example, bad host, *.': 'bad host' is not a host name,"
                + " *.name or * ("), errors.get(0));
    }
}
