package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Black-box: {@code bin/rsp certs audit} of the assembled distribution on certificates generated here. */
class CertsAuditIT {

    @TempDir
    Path tmp;
    RspHome home;
    Path certs;
    Path roots;

    record Issued(X509Certificate cert, KeyPair keys) {
    }

    @BeforeEach
    void pki() throws Exception {
        home = RspHome.copyTo(tmp.resolve("rsp"));
        Issued root = issue("CN=IT Root", null, true, "SHA256withECDSA");
        Issued inter = issue("CN=IT Intermediate", root, true, "SHA256withECDSA");
        Issued sha1Inter = issue("O=IT Legacy CA", root, true, "SHA1withECDSA");
        certs = tmp.resolve("certs");
        roots = write(tmp.resolve("roots.pem"), root);
        write(certs.resolve("good.example.com.pem"), issue("CN=good.example.com", inter, false, "SHA256withECDSA"), inter);
        write(certs.resolve("legacy.example.com/fullchain.pem"), issue("CN=legacy.example.com", sha1Inter, false, "SHA256withECDSA"),
                sha1Inter);
        Files.writeString(certs.resolve("broken.example.com.pem"), "-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n");
    }

    @Test
    void flagsAreReportedPerCertificateAsCsvAndTheExitStatusSaysSo() throws Exception {
        Result r = run("certs", "audit", certs.toString(), "--trust", roots.toString(), "--format", "csv");
        assertEquals(1, r.exit, r.output);
        List<String> lines = r.output.lines().toList();
        assertTrue(lines.get(0).startsWith("file,domain,source,position,best_chain_position,subject,sans,issuer,"), r.output);
        assertTrue(lines.stream().anyMatch(l -> l.contains("broken.example.com.pem,broken.example.com,") && l.contains("UNREADABLE")),
                r.output);
        assertTrue(lines.stream().anyMatch(l -> l.contains("fullchain.pem,legacy.example.com,served,1,1,O=IT Legacy CA,")
                && l.contains("SHA1withECDSA") && l.contains("WEAK_SIGNATURE")), r.output);
        assertTrue(lines.stream().anyMatch(l -> l.contains("good.example.com.pem,good.example.com,served,0,0,CN=good.example.com,"
                + "good.example.com,IT Intermediate,")), r.output);
    }

    @Test
    void aCleanFileExitsZeroAndUsageErrorsTwo() throws Exception {
        Result ok = run("certs", "audit", certs.resolve("good.example.com.pem").toString(), "--trust", roots.toString());
        assertEquals(0, ok.exit, ok.output);
        assertTrue(ok.output.contains("good.example.com.pem  (domain good.example.com)  ok"), ok.output);
        assertTrue(ok.output.contains("best chain: #0 good.example.com <- #1 IT Intermediate <- trust store IT Root"), ok.output);
        Result usage = run("certs", "audit", certs.toString(), "--format", "xml");
        assertEquals(2, usage.exit, usage.output);
        assertTrue(usage.output.contains("--format must be table, json or csv"), usage.output);
        Result noCommand = run("certs");
        assertEquals(2, noCommand.exit, noCommand.output);
    }

    record Result(int exit, String output) {
    }

    private Result run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.dir.resolve("bin/rsp").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("bin/rsp " + command + " did not finish");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static Issued issue(String dn, Issued issuer, boolean ca, String signature) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        KeyPair keys = g.generateKeyPair();
        Instant now = Instant.now();
        X500Name issuerName = issuer == null ? new X500Name(dn)
                : X500Name.getInstance(issuer.cert().getSubjectX500Principal().getEncoded());
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(200))), new X500Name(dn),
                keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (!ca) {
            String host = dn.substring(3);
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, host)));
        }
        KeyPair signer = issuer == null ? keys : issuer.keys();
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder(signature).build(signer.getPrivate())));
        return new Issued(cert, keys);
    }

    private static Path write(Path file, Issued... chain) throws Exception {
        Files.createDirectories(file.getParent());
        StringBuilder pem = new StringBuilder();
        for (Issued i : chain) {
            pem.append("-----BEGIN CERTIFICATE-----\n")
                    .append(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(i.cert().getEncoded()))
                    .append("\n-----END CERTIFICATE-----\n");
        }
        return Files.writeString(file, pem);
    }
}
