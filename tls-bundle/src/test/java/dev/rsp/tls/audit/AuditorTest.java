package dev.rsp.tls.audit;

import static dev.rsp.tls.audit.TestPki.NOW;
import static dev.rsp.tls.audit.TestPki.cert;
import static dev.rsp.tls.audit.TestPki.root;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.tls.audit.CertificateRow.FileReport;
import dev.rsp.tls.audit.TestPki.Issued;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The audit's findings on chains generated with Bouncy Castle, against a private trust store. */
class AuditorTest {

    static final Issued ROOT = root("CN=Test Root R1,O=Test PKI,C=US");
    static final Issued INTER = cert("CN=Test Issuing CA 1,O=Test PKI,C=US").ca().signedBy(ROOT);

    static FileReport audit(TrustStore trust, String domain, Issued... served) {
        return new Auditor(new AuditPolicy(trust, AuditPolicy.DEFAULT_DISTRUSTED, 30, NOW)).audit("test.pem",
                Optional.ofNullable(domain), Arrays.stream(served).map(Issued::cert).toList());
    }

    static FileReport audit(String domain, Issued... served) {
        return audit(trust(ROOT), domain, served);
    }

    static TrustStore trust(Issued... roots) {
        return new TrustStore(Arrays.stream(roots).map(Issued::cert).toList(), "test roots");
    }

    static Set<Flag> flags(FileReport r, int row) {
        return r.rows().get(row).flags();
    }

    static Issued leaf(String... sans) {
        return cert("CN=" + sans[0]).sans(sans).signedBy(INTER);
    }

    @Test
    void aGoodChainIsNotFlaggedAndTheRootComesFromTheTrustStore() {
        FileReport r = audit("www.example.com", leaf("www.example.com", "example.com"), INTER);
        assertEquals(Set.of(), r.flags(), r.toString());
        assertEquals(3, r.rows().size());
        CertificateRow leaf = r.rows().get(0);
        assertEquals("CN=www.example.com", leaf.subject());
        assertEquals(List.of("www.example.com", "example.com"), leaf.sans());
        assertEquals("Test Issuing CA 1", leaf.issuer());
        assertEquals("EC", leaf.keyType());
        assertEquals(256, leaf.keyBits());
        assertEquals("SHA256withECDSA", leaf.signatureAlgorithm());
        assertEquals(OptionalInt.of(0), leaf.bestChainPosition());
        assertEquals(365, leaf.daysLeft());
        CertificateRow root = r.rows().get(2);
        assertEquals("trust_store", root.source());
        assertEquals(OptionalInt.of(2), root.bestChainPosition());
        assertTrue(root.selfSigned());
        assertEquals(1, r.chainsFound());
    }

    @Test
    void sha1AndMd5BelowTheRootAreWeakWithTheBrowserCutOffNoted() {
        Issued rsaRoot = cert("CN=RSA Root").key("rsa:2048").ca().selfSigned();
        Issued sha1Inter = cert("CN=SHA1 Intermediate").ca().signature("SHA1withRSA").signedBy(rsaRoot);
        Issued leaf = cert("CN=a.example").sans("a.example").signedBy(sha1Inter);
        FileReport r = audit(trust(rsaRoot), "a.example", leaf, sha1Inter);
        assertEquals(EnumSet.of(Flag.WEAK_SIGNATURE), flags(r, 1));
        assertEquals("SHA1withRSA", r.rows().get(1).signatureAlgorithm());
        assertTrue(r.rows().get(1).notes().contains("SHA-1 certificate valid after 2015-12-31, the cut-off browsers applied"));
        assertEquals(Set.of(), flags(r, 0));

        Issued md5Leaf = cert("CN=b.example").sans("b.example").signature("MD5withRSA").signedBy(rsaRoot);
        FileReport md5 = audit(trust(rsaRoot), "b.example", md5Leaf);
        assertEquals(EnumSet.of(Flag.WEAK_SIGNATURE), flags(md5, 0));
        assertEquals(1, md5.chainsFound(), "still chains: the audit is not the JDK's PKIX validator");

        // A SHA-1 self-signed root is not flagged: its signature is not relied on.
        Issued sha1Root = cert("CN=Old Root").key("rsa:2048").ca().signature("SHA1withRSA").selfSigned();
        assertEquals(Set.of(), audit(trust(sha1Root), "c.example",
                cert("CN=c.example").sans("c.example").signedBy(sha1Root)).flags());
    }

    @Test
    void issuerNameFallsBackToOThenTheFullDn() {
        Issued oOnly = cert("O=Acme Trust Services,C=US").ca().signedBy(ROOT);
        FileReport r = audit("x.example", cert("CN=x.example").sans("x.example").signedBy(oOnly), oOnly);
        assertEquals("Acme Trust Services", r.rows().get(0).issuer());
        assertEquals(Set.of(), r.flags());
        Issued neither = cert("OU=Unit 7,L=Berlin,C=DE").ca().signedBy(ROOT);
        FileReport n = audit("y.example", cert("CN=y.example").sans("y.example").signedBy(neither), neither);
        assertEquals("C=DE,L=Berlin,OU=Unit 7", n.rows().get(0).issuer(), "BC writes the RDNs in the order given");
        assertEquals(n.rows().get(0).issuer(), n.rows().get(0).issuerDn());
    }

    @Test
    void distrustedIssuersAnywhereInTheChain() {
        Issued startCom = root("CN=StartCom Certification Authority,O=StartCom Ltd.,C=IL");
        Issued startInter = cert("CN=Class 1 Server CA,O=Example Resale").ca().signedBy(startCom);
        Issued leaf = cert("CN=s.example").sans("s.example").signedBy(startInter);
        FileReport r = audit(trust(startCom, ROOT), "s.example", leaf, startInter);
        assertEquals(EnumSet.of(Flag.DISTRUSTED_ISSUER), flags(r, 0), "the leaf carries the chain's verdict");
        assertEquals(EnumSet.of(Flag.DISTRUSTED_ISSUER), flags(r, 1));
        assertTrue(r.rows().get(2).flags().contains(Flag.DISTRUSTED_ISSUER), "the root names itself");

        Policy custom = new Policy(List.of("test pki"));
        FileReport c = custom.audit(leaf("z.example"), INTER);
        assertTrue(c.flags().contains(Flag.DISTRUSTED_ISSUER), "matched case-insensitively: " + c);
        assertEquals(Set.of(), new Policy(List.of()).audit(leaf("z.example"), INTER).flags());
    }

    record Policy(List<String> distrusted) {
        FileReport audit(Issued... served) {
            return new Auditor(new AuditPolicy(trust(ROOT), distrusted, 30, NOW)).audit("t.pem", Optional.of("z.example"),
                    Arrays.stream(served).map(Issued::cert).toList());
        }
    }

    @Test
    void theStrongestOfSeveralChainsIsChosen() {
        Issued oldRoot = cert("CN=Old Root X1").key("rsa:2048").ca().selfSigned();
        Issued newRoot = root("CN=New Root X2");
        // The same intermediate (subject and key) twice: signed by the new root, and cross-signed by the old one.
        Issued direct = cert("CN=Issuing CA R3").ca().signedBy(newRoot);
        Issued cross = cert("CN=Issuing CA R3").ca().keys(direct.keys()).signature("SHA1withRSA").signedBy(oldRoot);
        Issued leaf = cert("CN=x.example").sans("x.example").signedBy(direct);

        FileReport r = audit(trust(oldRoot, newRoot), "x.example", leaf, cross, direct);
        assertEquals(2, r.chainsFound());
        assertEquals(OptionalInt.of(1), r.rows().get(2).bestChainPosition(), "the SHA-256 path wins");
        assertEquals(OptionalInt.empty(), r.rows().get(1).bestChainPosition());
        assertTrue(r.rows().get(1).notes().contains("not part of the best chain"));
        assertEquals("CN=New Root X2", r.rows().get(3).subject());
        // As served, the cross-signed copy follows the leaf and signs it, but the next one does not sign it.
        assertTrue(flags(r, 0).contains(Flag.CHAIN_ORDER));
        assertTrue(flags(r, 1).contains(Flag.WEAK_SIGNATURE), "flagged as served even when not in the best chain");

        // Equal signatures: the chain whose weakest key is stronger wins; then the shorter one.
        Issued bigRoot = cert("CN=Big Root").key("ec:secp384r1").ca().selfSigned();
        Issued viaBig = cert("CN=Issuing CA R3").ca().keys(direct.keys()).signedBy(bigRoot);
        Issued smallRoot = cert("CN=Small Root").key("rsa:2048").ca().selfSigned();
        Issued viaSmall = cert("CN=Issuing CA R3").ca().keys(direct.keys()).signedBy(smallRoot);
        FileReport k = audit(trust(smallRoot, bigRoot), "x.example", leaf, viaSmall, viaBig);
        assertEquals(2, k.chainsFound());
        assertEquals(OptionalInt.of(1), k.rows().get(2).bestChainPosition(), "EC P-384 root beats RSA 2048");

        // An alternative whose root has expired loses to one that is valid now (the 2021 Let's Encrypt case).
        Issued expiredRoot = cert("CN=Expired Root").ca().valid(NOW.minus(Duration.ofDays(900)), NOW.minus(Duration.ofDays(1)))
                .key("ec:secp384r1").selfSigned();
        Issued viaExpired = cert("CN=Issuing CA R3").ca().keys(direct.keys()).signedBy(expiredRoot);
        FileReport e = audit(trust(expiredRoot, newRoot), "x.example", leaf, viaExpired, direct);
        assertEquals(OptionalInt.of(1), e.rows().get(2).bestChainPosition());

        // A served cross-signed copy of a trusted root and the root itself are one chain, not two.
        Issued newRootCross = cert("CN=New Root X2").ca().keys(newRoot.keys()).signedBy(oldRoot);
        FileReport once = audit(trust(oldRoot, newRoot), "x.example", leaf, direct, newRootCross);
        assertEquals(1, once.chainsFound());
        assertEquals(Set.of(), once.flags());
    }

    @Test
    void expiryAndExpiresSoon() {
        Issued expired = cert("CN=e.example").sans("e.example").valid(NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(2)))
                .signedBy(INTER);
        FileReport r = audit("e.example", expired, INTER);
        assertTrue(flags(r, 0).contains(Flag.EXPIRED));
        assertEquals(-2, r.rows().get(0).daysLeft());
        Issued soon = cert("CN=f.example").sans("f.example").valid(NOW.minus(Duration.ofDays(80)), NOW.plus(Duration.ofDays(10)))
                .signedBy(INTER);
        assertEquals(EnumSet.of(Flag.EXPIRES_SOON), flags(audit("f.example", soon, INTER), 0));
        FileReport relaxed = new Auditor(new AuditPolicy(trust(ROOT), List.of(), 5, NOW))
                .audit("f.pem", Optional.of("f.example"), List.of(soon.cert(), INTER.cert()));
        assertEquals(Set.of(), relaxed.flags());
    }

    @Test
    void weakKeys() {
        Issued rsa1024 = cert("CN=w.example").sans("w.example").key("rsa:1024").signedBy(INTER);
        FileReport r = audit("w.example", rsa1024, INTER);
        assertEquals(EnumSet.of(Flag.WEAK_KEY), flags(r, 0));
        assertEquals("RSA", r.rows().get(0).keyType());
        assertEquals(1024, r.rows().get(0).keyBits());
        Issued p192 = cert("CN=v.example").sans("v.example").key("ec:secp192r1").signedBy(INTER);
        FileReport p = audit("v.example", p192, INTER);
        assertEquals(EnumSet.of(Flag.WEAK_KEY), flags(p, 0));
        assertEquals(192, p.rows().get(0).keyBits());
        Issued rsa2048 = cert("CN=u.example").sans("u.example").key("rsa:2048").signedBy(INTER);
        assertEquals(Set.of(), audit("u.example", rsa2048, INTER).flags());
    }

    @Test
    void namesIncludingWildcards() {
        Issued wildcard = cert("CN=*.example.com").sans("*.example.com").signedBy(INTER);
        assertEquals(Set.of(), audit("www.example.com", wildcard, INTER).flags());
        assertEquals(Set.of(), audit("WWW.Example.COM.", wildcard, INTER).flags());
        assertEquals(EnumSet.of(Flag.NAME_MISMATCH), audit("example.com", wildcard, INTER).flags());
        assertEquals(EnumSet.of(Flag.NAME_MISMATCH), audit("a.b.example.com", wildcard, INTER).flags());
        assertEquals(EnumSet.of(Flag.NAME_MISMATCH), audit("other.org", leaf("www.example.com"), INTER).flags());
        Issued cnOnly = cert("CN=cn.example").signedBy(INTER);
        FileReport r = audit("cn.example", cnOnly, INTER);
        assertEquals(EnumSet.of(Flag.NAME_MISMATCH), r.flags());
        assertTrue(r.rows().get(0).notes().contains("no DNS subject alternative name (the CN is not used)"));
        FileReport noDomain = audit(null, cnOnly, INTER);
        assertEquals(Set.of(), noDomain.flags());
        assertTrue(noDomain.rows().get(0).notes().contains("no domain: names not checked"));
    }

    @Test
    void incompleteWrongOrderAndSelfSigned() {
        Issued leaf = leaf("i.example");
        FileReport missing = audit("i.example", leaf);
        assertEquals(EnumSet.of(Flag.CHAIN_INCOMPLETE), missing.flags());
        assertEquals(0, missing.chainsFound());

        FileReport order = audit(trust(ROOT), "i.example", leaf, ROOT, INTER);
        assertEquals(EnumSet.of(Flag.CHAIN_ORDER), order.flags());
        assertEquals(1, order.chainsFound(), "the chain still builds");

        Issued self = cert("CN=self.example").sans("self.example").selfSigned();
        assertEquals(EnumSet.of(Flag.SELF_SIGNED), audit("self.example", self).flags());
    }

    @Test
    void theJdkTrustStoreLoads() throws Exception {
        TrustStore jdk = TrustStore.jdkDefault();
        assertTrue(jdk.anchors().size() > 50, jdk.toString());
        X509Certificate any = jdk.anchors().get(0);
        assertTrue(jdk.trusts(any));
        assertEquals(EnumSet.of(Flag.CHAIN_INCOMPLETE), audit(jdk, "i.example", leaf("i.example"), INTER).flags());
    }
}
