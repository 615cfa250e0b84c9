package dev.rsp.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostNamesTest {

    @ParameterizedTest(name = "[{index}] \"{0}\" -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            Fred.Example.com              | fred.example.com
            fred.example.com              | fred.example.com
            fred.example.com.             | fred.example.com
            fred.example.com:80           | fred.example.com
            FRED.example.COM.:8080        | fred.example.com
            localhost                     | localhost
            LOCALHOST:1                   | localhost
            a                             | a
            _dmarc.example.com            | _dmarc.example.com
            my_host.example.com:65535     | my_host.example.com
            a-b.c-d.example               | a-b.c-d.example
            xn--bcher-kva.example         | xn--bcher-kva.example
            XN--BCHER-KVA.EXAMPLE         | xn--bcher-kva.example
            bücher.example                | xn--bcher-kva.example
            Bücher.Example.:443           | xn--bcher-kva.example
            münchen.de.                   | xn--mnchen-3ya.de
            例え.テスト                    | xn--r8jz45g.xn--zckzah
            127.0.0.1                     | 127.0.0.1
            127.0.0.1:8080                | 127.0.0.1
            10.0.0.255.                   | 10.0.0.255
            0.0.0.0                       | 0.0.0.0
            [::1]                         | [::1]
            [::1]:8080                    | [::1]
            [2001:DB8::A]:443             | [2001:db8::a]
            [2001:db8:0:0:0:0:2:1]        | [2001:db8:0:0:0:0:2:1]
            [::ffff:192.0.2.1]            | [::ffff:192.0.2.1]
            [fe80::]                      | [fe80::]
            [::]                          | [::]
            example.com:0                 | example.com
            example.com:00080             | example.com
            """)
    void goldenValid(String raw, String expected) {
        CanonicalHost result = HostNames.canonical(raw);
        assertEquals(new CanonicalHost.Valid(expected), result, raw);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            ""                            | empty
            .                             | empty
            :80                           | empty
            "fred .example.com"           | whitespace
            " fred.example.com"           | whitespace
            "fred.example.com "           | whitespace
            "fred.example.com\t"          | whitespace
            user@fred.example.com         | userinfo (@) not allowed
            fred.example.com/path         | slash not allowed
            fred%2eexample.com            | percent not allowed
            fred.example.com:             | empty port
            fred.example.com:80a          | port not digits
            fred.example.com:-1           | port not digits
            fred.example.com:123456       | port longer than 5 digits
            fred.example.com:65536        | port out of range
            fred.example.com:99999        | port out of range
            fred..example.com             | empty label
            .fred.example.com             | empty label
            fred.example.com..            | empty label
            -fred.example.com             | label starts with hyphen
            fred-.example.com             | label ends with hyphen
            fred.example.com:80:80        | IPv6 literal without brackets
            ::1                           | IPv6 literal without brackets
            256.1.1.1                     | invalid IPv4 literal
            1.2.3                         | invalid IPv4 literal
            1.2.3.4.5                     | invalid IPv4 literal
            010.0.0.1                     | invalid IPv4 literal
            example.123                   | invalid IPv4 literal
            fred!.example.com             | invalid character
            fred*.example.com             | invalid character
            [::1                          | unclosed IPv6 bracket
            [::1]x                        | unexpected text after IPv6 literal
            [::1].                        | unexpected text after IPv6 literal
            [::1]:                        | empty port
            [::1]:70000                   | port out of range
            [fe80::1%25eth0]              | percent not allowed
            [::1::2]                      | invalid IPv6 literal
            [:::1]                        | invalid IPv6 literal
            [1:2:3:4:5:6:7:8:9]           | invalid IPv6 literal
            [1:2:3:4:5:6:7]               | invalid IPv6 literal
            [12345::1]                    | invalid IPv6 literal
            [g::1]                        | invalid IPv6 literal
            []                            | invalid IPv6 literal
            [::1.2.3.4:5]                 | invalid IPv6 literal
            [1.2.3.4::]                   | invalid IPv6 literal
            a]b                           | invalid IPv6 literal
            """)
    void goldenInvalid(String raw, String reason) {
        assertEquals(new CanonicalHost.Invalid(reason), HostNames.canonical(raw.replace("\\t", "\t")), raw);
    }

    @Test
    void nullIsEmpty() {
        assertEquals(new CanonicalHost.Invalid("empty"), HostNames.canonical(null));
    }

    @Test
    void lengthLimits() {
        String label63 = "a".repeat(63);
        assertValid(label63 + ".example", label63 + ".example");
        assertEquals(new CanonicalHost.Invalid("label longer than 63"), HostNames.canonical("a".repeat(64) + ".example"));
        String name253 = (label63 + ".").repeat(3) + "b".repeat(61);
        assertEquals(253, name253.length());
        assertValid(name253, name253);
        assertValid(name253 + ".", name253);
        assertEquals(new CanonicalHost.Invalid("name longer than 253"), HostNames.canonical(name253 + "c"));
    }

    @Test
    void idnRejectionsAreInvalid() {
        assertInstanceOf(CanonicalHost.Invalid.class, HostNames.canonical("ü".repeat(70) + ".example"));
        assertInstanceOf(CanonicalHost.Invalid.class, HostNames.canonical("bü\u00a0cher.example"));
        assertInstanceOf(CanonicalHost.Invalid.class, HostNames.canonical("bü..example"));
        assertInstanceOf(CanonicalHost.Invalid.class, HostNames.canonical("ü\uFF0Fx.example"));
        assertEquals(new CanonicalHost.Invalid("IDN input too long"), HostNames.canonical("ü".repeat(2000)));
    }

    @Test
    void alreadyCanonicalReturnsSameInstance() {
        for (String s : new String[] {"fred.example.com", "a", "127.0.0.1", "[::1]", "x_y.example", "xn--bcher-kva.example"}) {
            String copy = new String(s);
            CanonicalHost.Valid v = assertInstanceOf(CanonicalHost.Valid.class, HostNames.canonical(copy));
            assertSame(copy, v.host(), s);
        }
    }

    /** Random valid names in random case, with or without trailing dot and port, canonicalize to their lower case. */
    @Test
    void propertyRandomSpellingsOfOneName() {
        Random random = new Random(42);
        for (int n = 0; n < 20_000; n++) {
            String name = randomName(random);
            String spelled = randomCase(random, name);
            if (random.nextBoolean()) {
                spelled += ".";
            }
            if (random.nextBoolean()) {
                spelled += ":" + (random.nextInt(65535) + 1);
            }
            CanonicalHost result = HostNames.canonical(spelled);
            assertEquals(new CanonicalHost.Valid(name), result, spelled);
            assertSame(name, ((CanonicalHost.Valid) HostNames.canonical(name)).host(), name);
        }
    }

    /** For any input, canonicalizing a canonical result gives it back unchanged. */
    @Test
    void propertyIdempotent() {
        Random random = new Random(42);
        String alphabet = "aZz09-_.:[]@/% \u00fc\u00c9\u4f8b";
        int valid = 0;
        for (int n = 0; n < 50_000; n++) {
            String raw = n % 2 == 0 ? randomCase(random, randomName(random)) : randomJunk(random, alphabet);
            if (HostNames.canonical(raw) instanceof CanonicalHost.Valid v) {
                valid++;
                assertEquals(v, HostNames.canonical(v.host()), raw);
                assertSame(v.host(), ((CanonicalHost.Valid) HostNames.canonical(v.host())).host(), raw);
                assertEquals(v.host().toLowerCase(Locale.ROOT), v.host(), raw);
            }
        }
        assertEquals(true, valid > 25_000, "valid inputs: " + valid);
    }

    private static void assertValid(String raw, String expected) {
        assertEquals(new CanonicalHost.Valid(expected), HostNames.canonical(raw), raw);
    }

    private static String randomName(Random random) {
        String inner = "abcdefghijklmnopqrstuvwxyz0123456789-_";
        String edge = "abcdefghijklmnopqrstuvwxyz0123456789_";
        int labels = 1 + random.nextInt(4);
        StringBuilder sb = new StringBuilder();
        for (int l = 0; l < labels; l++) {
            if (l > 0) {
                sb.append('.');
            }
            int len = 1 + random.nextInt(l == 0 ? 63 : 20);
            for (int i = 0; i < len; i++) {
                String chars = i == 0 || i == len - 1 ? edge : inner;
                sb.append(chars.charAt(random.nextInt(chars.length())));
            }
        }
        sb.append(".t").append((char) ('a' + random.nextInt(26)));
        return sb.toString();
    }

    private static String randomCase(Random random, String s) {
        char[] chars = s.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            if (random.nextBoolean()) {
                chars[i] = Character.toUpperCase(chars[i]);
            }
        }
        return new String(chars);
    }

    private static String randomJunk(Random random, String alphabet) {
        int len = 1 + random.nextInt(12);
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
