package dev.rsp.tls.audit;

import static dev.rsp.tls.audit.TestPki.NOW;
import static dev.rsp.tls.audit.TestPki.cert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.tls.audit.AuditCommand.Outcome;
import dev.rsp.tls.audit.TestPki.Issued;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command as a user runs it: directories of files, formats, per-file errors, exit status. */
class AuditMainTest {

    static final Issued ROOT = AuditorTest.ROOT;
    static final Issued INTER = AuditorTest.INTER;

    @TempDir
    Path tmp;
    Path certs;
    Path roots;

    @BeforeEach
    void files() throws Exception {
        certs = tmp.resolve("certs");
        roots = TestPki.write(tmp.resolve("roots/root.pem"), ROOT);
        TestPki.write(certs.resolve("good.example.com.pem"), leaf("good.example.com"), INTER);
        TestPki.write(certs.resolve("shop.example.org/fullchain.pem"), leaf("shop.example.org"), INTER);
        TestPki.write(certs.resolve("shop.example.org/cert.pem"), leaf("shop.example.org"));
        TestPki.write(certs.resolve("shop.example.org/chain.pem"), INTER);
        Files.writeString(certs.resolve("shop.example.org/privkey.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        Files.writeString(certs.resolve("README.txt"), "not audited");
    }

    static Issued leaf(String name) {
        return cert("CN=" + name).sans(name).signedBy(INTER);
    }

    Outcome run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--trust", roots.toString()));
        return AuditCommand.run(all, Optional.empty(), NOW);
    }

    @Test
    void aCleanDirectoryExitsZero() {
        Outcome o = run(certs.toString());
        assertEquals(0, o.exit(), o.out() + o.err());
        assertTrue(o.out().contains("good.example.com.pem  (domain good.example.com)  ok"), o.out());
        assertTrue(o.out().contains("fullchain.pem  (domain shop.example.org)  ok"), o.out());
        assertTrue(!o.out().contains("cert.pem") && !o.out().contains("privkey"), "Let's Encrypt duplicates left out: " + o.out());
        assertTrue(o.out().contains("best chain: #0 good.example.com <- #1 Test Issuing CA 1 <- trust store Test Root R1  (1 chain"), o.out());
        assertTrue(o.out().endsWith("2 files, 0 flagged\n"), o.out());
    }

    @Test
    void unreadableFilesAreReportedAndTheRestIsAudited() throws Exception {
        Files.writeString(certs.resolve("broken.example.net.pem"), "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");
        Files.writeString(certs.resolve("damaged.example.net.pem"), "-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n");
        Files.write(certs.resolve("empty.crt"), new byte[0]);
        Path key = certs.resolve("shop.example.org/privkey.pem");
        Outcome o = run(certs.toString(), key.toString(), tmp.resolve("missing.pem").toString(), "--format", "csv");
        assertEquals(1, o.exit());
        List<String> lines = o.out().lines().toList();
        assertEquals(String.join(",", ReportWriter.COLUMNS), lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.contains("good.example.com.pem") && l.contains(",served,0,0,")), o.out());
        for (String file : List.of("broken.example.net.pem", "damaged.example.net.pem", "empty.crt", "privkey.pem", "missing.pem")) {
            assertTrue(lines.stream().anyMatch(l -> l.contains(file) && l.contains(",UNREADABLE,")), file + " in " + o.out());
        }
        assertTrue(o.out().contains("a private key, no certificate"), o.out());
        assertTrue(o.out().contains("NoSuchFileException"), o.out());
        for (String line : lines) {
            assertEquals(ReportWriter.COLUMNS.size(), csvCells(line), line);
        }
    }

    @Test
    void jsonHasOneRecordPerCertificateWithEveryColumn() throws Exception {
        TestPki.write(certs.resolve("wrong.example.com.pem"), leaf("other.example.com"), INTER);
        Outcome o = run(certs.resolve("wrong.example.com.pem").toString(), "--format", "json");
        assertEquals(1, o.exit());
        List<String> records = o.out().lines().filter(l -> l.startsWith("  {")).toList();
        assertEquals(3, records.size(), o.out());
        for (String r : records) {
            for (String column : ReportWriter.COLUMNS) {
                assertTrue(r.contains("\"" + column + "\": "), column + " in " + r);
            }
        }
        assertTrue(records.get(0).contains("\"flags\": [\"NAME_MISMATCH\"]"), records.get(0));
        assertTrue(records.get(0).contains("\"sans\": [\"other.example.com\"]"), records.get(0));
        assertTrue(records.get(2).contains("\"source\": \"trust_store\", \"position\": 2, \"best_chain_position\": 2"), records.get(2));
        assertTrue(records.get(2).contains("\"error\": null"), records.get(2));
        assertTrue(o.out().startsWith("[\n") && o.out().endsWith("\n]\n"));
    }

    @Test
    void optionsChangeTheVerdict() throws Exception {
        Path f = certs.resolve("good.example.com.pem");
        assertEquals(1, run(f.toString(), "--domain", "elsewhere.example").exit());
        assertEquals(1, run(f.toString(), "--distrusted", "TEST pki").exit());
        assertEquals(1, run(f.toString(), "--expires-soon-days", "400").exit());
        assertEquals(0, run(f.toString(), "--expires-soon-days", "0").exit());
        Outcome jdkTrust = AuditCommand.run(List.of(f.toString()), Optional.empty(), NOW);
        assertEquals(1, jdkTrust.exit(), "not chained to the JDK's roots: " + jdkTrust.out());
        assertTrue(jdkTrust.out().contains("CHAIN_INCOMPLETE"), jdkTrust.out());
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, run().exit());
        assertEquals(2, run(certs.toString(), "--format", "xml").exit());
        assertEquals(2, run(certs.toString(), "--bogus", "1").exit());
        assertEquals(2, run(certs.toString(), "--expires-soon-days", "soon").exit());
        assertEquals(2, run(certs.toString(), "--domain").exit());
        Outcome badTrust = AuditCommand.run(List.of(certs.toString(), "--trust", tmp.resolve("nothing").toString()), Optional.empty(), NOW);
        assertEquals(2, badTrust.exit());
        assertTrue(badTrust.err().contains("cannot load the trust store"), badTrust.err());
        assertEquals(0, run("--help").exit());
    }

    @Test
    void mainDispatchesTheAuditCommand() {
        assertEquals(2, main());
        assertEquals(2, main("inspect"));
        assertEquals(0, main("--help"));
        assertEquals(0, main("audit", certs.toString(), "--trust", roots.toString(), "--expires-soon-days", "0"));
    }

    private static int main(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        return AuditMain.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @Test
    void theDomainComesFromTheFileOrItsDirectory() {
        assertEquals(Optional.of("example.com"), AuditInputs.domainOf(Path.of("/x/example.com.pem")));
        assertEquals(Optional.of("www.example.co.uk"), AuditInputs.domainOf(Path.of("www.example.co.uk.CRT")));
        assertEquals(Optional.of("example.com"), AuditInputs.domainOf(Path.of("/etc/certs/example.com/fullchain.pem")));
        assertEquals(Optional.of("*.example.com"), AuditInputs.domainOf(Path.of("/c/*.example.com.pem")));
        assertEquals(Optional.empty(), AuditInputs.domainOf(Path.of("/etc/certs/server.pem")));
        assertEquals(Optional.empty(), AuditInputs.domainOf(Path.of("/etc/certs/live/fullchain.pem")));
    }

    @Test
    void gogoCommandWithoutPathsAuditsTheFilesTheListenerServes() {
        // the index's chain files, whatever their layout: a combined PEM and certbot's live/<name>/fullchain.pem
        Path combined = certs.resolve("good.example.com.pem");
        Path certbot = certs.resolve("shop.example.org/fullchain.pem");
        String out = (String) new CertsAuditCommand(CertsAuditCommand::homeCertsDir, () -> List.of(combined, certbot),
                leaf -> Optional.empty()).execute(null, List.of("--trust", roots.toString(), "--expires-soon-days", "0"));
        assertTrue(out.contains("good.example.com.pem") && out.contains("fullchain.pem"), out);
        assertTrue(!out.contains("/cert.pem") && !out.contains("README"), "only the files served: " + out);
    }

    @Test
    void gogoCommandFlagsALeafTheRunningListenerCannotStaple() {
        String path = certs.resolve("good.example.com.pem").toString();
        String flagged = (String) new CertsAuditCommand(CertsAuditCommand::homeCertsDir,
                leaf -> leaf.getSubjectX500Principal().getName().contains("good.example.com")
                        ? Optional.of("no answer from http://ocsp.example/ (ConnectException)") : Optional.empty())
                .execute(null, List.of(path, "--trust", roots.toString(), "--expires-soon-days", "0"));
        assertTrue(flagged.contains("good.example.com.pem  (domain good.example.com)  OCSP_NO_STAPLE"), flagged);
        assertTrue(flagged.contains("served without an OCSP staple: no answer from http://ocsp.example/"), flagged);
        assertTrue(flagged.endsWith("exit status 1" + System.lineSeparator()), flagged);
        String stapled = (String) new CertsAuditCommand(CertsAuditCommand::homeCertsDir, leaf -> Optional.empty())
                .execute(null, List.of(path, "--trust", roots.toString(), "--expires-soon-days", "0"));
        assertTrue(stapled.endsWith("exit status 0" + System.lineSeparator()), stapled);
    }

    @Test
    void gogoCommandAuditsEtcCertsByDefault() throws Exception {
        String before = System.getProperty("rsp.home");
        System.setProperty("rsp.home", tmp.toString());
        try {
            String none = (String) new CertsAuditCommand(CertsAuditCommand::homeCertsDir).execute(null, List.of());
            assertTrue(none.contains("no certificates to audit: " + tmp.resolve("etc/certs") + " does not exist"), none);
            assertTrue(none.endsWith("exit status 0" + System.lineSeparator()), none);
            TestPki.write(tmp.resolve("etc/certs/self.example.pem"), cert("CN=self.example").sans("self.example").selfSigned());
            String out = (String) new CertsAuditCommand(CertsAuditCommand::homeCertsDir).execute(null, List.of());
            assertTrue(out.contains("self.example.pem  (domain self.example)  SELF_SIGNED"), out);
            assertTrue(out.endsWith("exit status 1" + System.lineSeparator()), out);
            String json = (String) new CertsAuditCommand(CertsAuditCommand::homeCertsDir).execute(null, List.of(certs.resolve("good.example.com.pem").toString(),
                    "--format", "json", "--trust", roots.toString(), "--expires-soon-days", "0"));
            assertTrue(json.startsWith("[") && json.endsWith("exit status 0" + System.lineSeparator()), json);
        } finally {
            if (before == null) {
                System.clearProperty("rsp.home");
            } else {
                System.setProperty("rsp.home", before);
            }
        }
    }

    /** Counts the cells of an RFC 4180 CSV line. */
    static int csvCells(String line) {
        int cells = 1;
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                cells++;
            }
        }
        return cells;
    }
}
