package dev.rsp.routing.reloadpath;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DomainSegmentTest {

    @ParameterizedTest
    @ValueSource(strings = {"Fred.Example.com", "fred.example.com", "fred.example.com.", "a.b", "xn--bcher-kva.example",
            "my_app.example.org", "10.0.0.1", "a-b.c-d.e", "fred.example.com:80", "Fred.Example.com.:8080"})
    void namesThatLookLikeDomainsArePlausible(String name) {
        assertTrue(DomainSegment.plausible(name), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "cache", "reload", "localhost.", ".example.com", "fred..example.com",
            "fred.example.com..", "fred%2Eexample.com", "fred.example.com:", "fred.example.com:http", "fred.example.com:123456",
            "cache:80", "b\u00fccher.example", "fred example.com",
            "fred.example.com/x", "[::1]", "a@b.c"})
    void otherSegmentsAreNot(String segment) {
        assertFalse(DomainSegment.plausible(segment), segment);
    }

    @org.junit.jupiter.api.Test
    void lengthsAreBoundedLikeDns() {
        String label63 = "a".repeat(63);
        assertTrue(DomainSegment.plausible(label63 + ".com"));
        assertFalse(DomainSegment.plausible("a".repeat(64) + ".com"));
        String name253 = (label63 + ".").repeat(3) + "a".repeat(61);
        assertTrue(DomainSegment.plausible(name253), "253 characters");
        assertTrue(DomainSegment.plausible(name253 + "."), "253 characters and the trailing dot");
        assertFalse(DomainSegment.plausible(name253 + "a"), "254 characters");
    }
}
