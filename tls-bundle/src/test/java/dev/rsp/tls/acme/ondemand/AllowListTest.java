package dev.rsp.tls.acme.ondemand;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AllowListTest {

    @TempDir
    Path dir;

    static AllowList.Parsed parse(String text) throws IOException {
        return AllowList.parse("allow.txt", new BufferedReader(new StringReader(text)));
    }

    @Test
    void namesAreCanonicalAndCommentsAndBlankLinesSkipped() throws IOException {
        AllowList.Parsed p = parse("# customers\n\nShop.Example.COM.\n  blog.example.org   # since 2026\n\t\n"
                + "bücher.example\n");
        assertEquals(List.of(), p.problems());
        assertEquals(3, p.list().size());
        assertTrue(p.list().allows("shop.example.com"));
        assertTrue(p.list().allows("blog.example.org"));
        assertTrue(p.list().allows("xn--bcher-kva.example"));
        assertFalse(p.list().allows("example.com"));
    }

    @Test
    void aWildcardCoversExactlyOneLabel() throws IOException {
        AllowList list = parse("*.Customers.example.net\n").list();
        assertTrue(list.allows("a.customers.example.net"));
        assertTrue(list.allows("xn--bcher-kva.customers.example.net"));
        assertFalse(list.allows("customers.example.net"));
        assertFalse(list.allows("a.b.customers.example.net"));
        assertFalse(list.allows("acustomers.example.net"));
    }

    @Test
    void badLinesAreReportedWithFileAndLineAndSkipped() throws IOException {
        AllowList.Parsed p = parse("good.example.com\nfoo*.example.com\n*.*.example.com\n*.com\n192.0.2.1\n"
                + "two names.example.com\nlocalhost\nweb:443.example.com\nunder_score.example.com\n-bad.example.com\n"
                + "also-good.example.com\n");
        assertEquals(2, p.list().size());
        assertTrue(p.list().allows("also-good.example.com"));
        List<String> problems = p.problems();
        assertEquals(9, problems.size(), problems::toString);
        assertTrue(problems.get(0).startsWith("allow.txt:2: 'foo*.example.com': a wildcard is"), problems.get(0));
        assertTrue(problems.get(1).startsWith("allow.txt:3: "), problems.get(1));
        assertTrue(problems.get(2).startsWith("allow.txt:4: '*.com': a single label"), problems.get(2));
        assertTrue(problems.get(3).contains("an IP address"), problems.get(3));
        assertTrue(problems.get(4).contains("one name per line"), problems.get(4));
        assertTrue(problems.get(5).startsWith("allow.txt:7: 'localhost'"), problems.get(5));
        assertTrue(problems.get(6).contains("port"), problems.get(6));
        assertTrue(problems.get(7).contains("underscore"), problems.get(7));
        assertTrue(problems.get(8).startsWith("allow.txt:10: "), problems.get(8));
    }

    @Test
    void aHundredThousandLinesLoadAndAnswer() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            text.append(i % 10 == 0 ? "*.tenant" + i + ".example.net" : "site" + i + ".example.com").append('\n');
        }
        Path file = dir.resolve("allow.txt");
        Files.writeString(file, text);
        AllowListFile f = new AllowListFile(file);
        long start = System.nanoTime();
        assertTrue(f.reload());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(100_000, f.current().size());
        assertTrue(f.current().allows("site99999.example.com"));
        assertTrue(f.current().allows("www.tenant99990.example.net"));
        assertFalse(f.current().allows("site100000.example.com"));
        // generous: catches a quadratic load (minutes), not a slow machine
        assertTrue(millis < 10_000, "loaded in " + millis + " ms");
    }

    @Test
    void theFileIsReadAgainOnlyWhenItChanged() throws IOException {
        Path file = dir.resolve("allow.txt");
        Files.writeString(file, "a.example.com\n");
        AllowListFile f = new AllowListFile(file);
        assertFalse(f.current().allows("a.example.com"), "nothing before the first reload");
        assertTrue(f.reload());
        assertTrue(f.current().allows("a.example.com"));
        assertFalse(f.reload(), "unchanged stamp: not read again");

        Path next = dir.resolve("allow.txt.new");
        Files.writeString(next, "b.example.com\nc.example.com\n");
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertTrue(f.reload());
        assertFalse(f.current().allows("a.example.com"));
        assertTrue(f.current().allows("c.example.com"));
    }

    @Test
    void theLastGoodListStaysWhileTheFileIsUnreadable() throws IOException {
        Path file = dir.resolve("allow.txt");
        Files.writeString(file, "a.example.com\nbad name\n");
        AllowListFile f = new AllowListFile(file);
        assertTrue(f.reload());
        assertEquals(1, f.problems().size());
        assertTrue(f.problems().get(0).startsWith(file + ":2: "), f.problems().get(0));

        Files.delete(file);
        assertFalse(f.reload());
        assertFalse(f.reload());
        assertTrue(f.current().allows("a.example.com"), "kept while missing");

        Files.writeString(file, "a.example.com\n");
        assertTrue(f.reload(), "read again once it is back");
        assertEquals(List.of(), f.problems());
    }

    @Test
    void aMissingFileAtStartAllowsNothing() {
        AllowListFile f = new AllowListFile(dir.resolve("absent.txt"));
        assertFalse(f.reload());
        assertEquals(0, f.current().size());
    }
}
