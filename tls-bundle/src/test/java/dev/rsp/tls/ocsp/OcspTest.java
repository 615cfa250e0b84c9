package dev.rsp.tls.ocsp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.tls.certs.ServedCertificate;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Requests and responses as RFC 6960 has them, made by Bouncy Castle the way a CA's responder would: what is stapled
 * (good, current, signed for the issuer) and what is not; the stapler's publishing, failures and schedule.
 */
class OcspTest {

    static final Instant NOW = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    static final KeyPair CA_KEYS = ec();
    static final KeyPair LEAF_KEYS = ec();
    static final KeyPair OTHER_KEYS = ec();
    static final X509Certificate CA = cert("CN=Test CA", CA_KEYS, "CN=Test CA", CA_KEYS, 1, null, null);
    static final X509Certificate LEAF = cert("CN=shop.example", LEAF_KEYS, "CN=Test CA", CA_KEYS, 4242,
            "http://127.0.0.1:1/ocsp", null);

    static final Duration FETCH_TIMEOUT = Duration.ofSeconds(10);

    OcspStapler stapler;

    @AfterEach
    void close() {
        if (stapler != null) {
            stapler.close();
        }
    }

    static KeyPair ec() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static X509Certificate cert(String subject, KeyPair keys, String issuer, KeyPair signer, long serial, String ocspUrl,
            KeyPurposeId purpose) {
        try {
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(serial),
                    Date.from(NOW.minus(Duration.ofDays(1))), Date.from(NOW.plus(Duration.ofDays(30))), new X500Name(subject),
                    keys.getPublic());
            if (subject.equals(issuer)) {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            }
            if (ocspUrl != null) {
                b.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(new AccessDescription(
                        AccessDescription.id_ad_ocsp, new GeneralName(GeneralName.uniformResourceIdentifier, ocspUrl))));
            }
            if (purpose != null) {
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A response about {@code about} with {@code status}, signed by {@code signer} (certificates included). */
    static byte[] response(X509Certificate about, CertificateStatus status, Instant thisUpdate, Instant nextUpdate,
            KeyPair signer, X509Certificate... included) {
        try {
            CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                    new JcaX509CertificateHolder(CA), about.getSerialNumber());
            BasicOCSPRespBuilder b = new BasicOCSPRespBuilder(new RespID(new X500Name("CN=responder")));
            b.addResponse(id, status, Date.from(thisUpdate), nextUpdate == null ? null : Date.from(nextUpdate), null);
            X509CertificateHolder[] chain = new X509CertificateHolder[included.length];
            for (int i = 0; i < included.length; i++) {
                chain[i] = new JcaX509CertificateHolder(included[i]);
            }
            return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL,
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate()), chain,
                            Date.from(thisUpdate))).getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] good() {
        return response(LEAF, CertificateStatus.GOOD, NOW.minusSeconds(60), NOW.plus(Duration.ofDays(4)), CA_KEYS);
    }

    @Test
    void theResponderComesFromTheAuthorityInformationAccess() {
        assertEquals(Optional.of(URI.create("http://127.0.0.1:1/ocsp")), OcspExchange.responder(LEAF));
        assertEquals(Optional.empty(), OcspExchange.responder(CA));
    }

    @Test
    void theRequestAsksAboutTheCertificateByIssuerAndSerial() throws Exception {
        OCSPReq req = new OCSPReq(OcspExchange.request(LEAF, CA));
        assertEquals(1, req.getRequestList().length);
        CertificateID id = req.getRequestList()[0].getCertID();
        assertEquals(LEAF.getSerialNumber(), id.getSerialNumber());
        assertTrue(id.matchesIssuer(new JcaX509CertificateHolder(CA), new JcaDigestCalculatorProviderBuilder().build()));
    }

    @Test
    void aGoodCurrentResponseSignedByTheIssuerIsFitToStaple() {
        byte[] der = good();
        OcspExchange.Good g = assertInstanceOf(OcspExchange.Good.class, OcspExchange.check(der, LEAF, CA, NOW));
        assertArrayEquals(der, g.der());
        assertEquals(Optional.of(NOW.plus(Duration.ofDays(4))), g.nextUpdate());
    }

    @Test
    void aResponderTheIssuerAuthorizedForOcspSigningMaySign() {
        KeyPair delegateKeys = ec();
        X509Certificate delegate = cert("CN=responder", delegateKeys, "CN=Test CA", CA_KEYS, 77, null,
                KeyPurposeId.id_kp_OCSPSigning);
        byte[] der = response(LEAF, CertificateStatus.GOOD, NOW, NOW.plus(Duration.ofDays(1)), delegateKeys, delegate);
        assertInstanceOf(OcspExchange.Good.class, OcspExchange.check(der, LEAF, CA, NOW));
        X509Certificate notForOcsp = cert("CN=responder", delegateKeys, "CN=Test CA", CA_KEYS, 78, null,
                KeyPurposeId.id_kp_serverAuth);
        byte[] refused = response(LEAF, CertificateStatus.GOOD, NOW, NOW.plus(Duration.ofDays(1)), delegateKeys, notForOcsp);
        assertTrue(unfit(refused).contains("not signed by the issuer"));
    }

    @Test
    void whatIsNotStapled() {
        assertTrue(unfit(response(LEAF, new RevokedStatus(Date.from(NOW.minusSeconds(3600)), 1), NOW, NOW.plusSeconds(3600),
                CA_KEYS)).startsWith("REVOKED since"));
        assertTrue(unfit(response(LEAF, new UnknownStatus(), NOW, NOW.plusSeconds(3600), CA_KEYS)).contains("unknown"));
        assertTrue(unfit(response(LEAF, CertificateStatus.GOOD, NOW, NOW.plusSeconds(3600), OTHER_KEYS))
                .contains("not signed by the issuer"));
        assertTrue(unfit(response(LEAF, CertificateStatus.GOOD, NOW.minus(Duration.ofDays(2)), NOW.minus(Duration.ofDays(1)),
                CA_KEYS)).startsWith("stale"));
        X509Certificate other = cert("CN=other", OTHER_KEYS, "CN=Test CA", CA_KEYS, 999, null, null);
        assertTrue(unfit(response(other, CertificateStatus.GOOD, NOW, NOW.plusSeconds(3600), CA_KEYS)).contains("another"));
        assertTrue(unfit(new byte[] {0x30, 0x03, 0x0a, 0x01, 0x03}).contains("status 3 (tryLater)"));
        assertTrue(unfit(new byte[] {1, 2, 3}).startsWith("not an OCSP response"));
    }

    private static String unfit(byte[] der) {
        return assertInstanceOf(OcspExchange.Unfit.class, OcspExchange.check(der, LEAF, CA, NOW)).reason();
    }

    @Test
    void refreshesAtHalfLifeAndRetriesWithBackoff() {
        OcspExchange.Good g = new OcspExchange.Good(new byte[0], NOW, Optional.of(NOW.plus(Duration.ofDays(4))));
        assertEquals(Duration.ofDays(2), OcspStapler.nextRefresh(g, NOW));
        assertEquals(Duration.ofDays(1), OcspStapler.nextRefresh(g, NOW.plus(Duration.ofDays(1))));
        assertEquals(OcspStapler.SOONEST_REFRESH, OcspStapler.nextRefresh(g, NOW.plus(Duration.ofDays(3))));
        assertEquals(Duration.ofHours(1), OcspStapler.nextRefresh(new OcspExchange.Good(new byte[0], NOW, Optional.empty()), NOW));
        assertEquals(Duration.ofSeconds(10), OcspStapler.retryDelay(1));
        assertEquals(Duration.ofSeconds(40), OcspStapler.retryDelay(3));
        assertEquals(Duration.ofMinutes(10), OcspStapler.retryDelay(30));
    }

    static ServedCertificate served(X509Certificate... chain) {
        return new ServedCertificate("shop.example", "shop.example.crt", List.of("shop.example"), List.of(chain), "EC 256",
                null, LEAF_KEYS.getPrivate());
    }

    @Test
    void theStaplerPublishesAGoodResponseAndSaysWhyThereIsNone() {
        AtomicInteger asked = new AtomicInteger();
        byte[] der = good();
        stapler = new OcspStapler((uri, request, within) -> {
            asked.incrementAndGet();
            assertEquals(URI.create("http://127.0.0.1:1/ocsp"), uri);
            return der;
        }, Clock.fixed(NOW, ZoneOffset.UTC));
        assertNull(stapler.staple(LEAF));
        stapler.track(List.of(served(LEAF, CA), served(CA)), FETCH_TIMEOUT);
        await(() -> stapler.staple(LEAF) != null);
        assertArrayEquals(der, stapler.staple(LEAF));
        assertEquals(Optional.empty(), stapler.problem(LEAF));
        assertFalse(stapler.tracks(CA), "no responder, nothing to track");
        assertEquals(1, asked.get());

        stapler.track(List.of(), FETCH_TIMEOUT);
        await(() -> !stapler.tracks(LEAF));
        assertNull(stapler.staple(LEAF), "stapling off");
    }

    @Test
    void aCertificateWithoutAResponseIsServedWithoutAStapleAndTheReasonKept() {
        stapler = new OcspStapler((uri, request, within) -> {
            throw new java.net.ConnectException("Connection refused");
        }, Clock.fixed(NOW, ZoneOffset.UTC));
        stapler.track(List.of(served(LEAF, CA)), FETCH_TIMEOUT);
        await(() -> stapler.problem(LEAF).filter(p -> p.contains("Connection refused")).isPresent());
        assertNull(stapler.staple(LEAF));
        assertTrue(stapler.problem(LEAF).get().startsWith("no answer from http://127.0.0.1:1/ocsp"));

        OcspStapler revoked = new OcspStapler((uri, request, within) -> response(LEAF, new RevokedStatus(Date.from(NOW), 0), NOW,
                NOW.plusSeconds(3600), CA_KEYS), Clock.fixed(NOW, ZoneOffset.UTC));
        try {
            revoked.track(List.of(served(LEAF, CA)), FETCH_TIMEOUT);
            await(() -> revoked.problem(LEAF).filter(p -> p.startsWith("REVOKED")).isPresent());
            assertNull(revoked.staple(LEAF));
        } finally {
            revoked.close();
        }
    }

    @Test
    void withoutTheIssuerInTheChainNoRequestCanBeMade() {
        stapler = new OcspStapler((uri, request, within) -> {
            throw new IOException("not asked");
        }, Clock.fixed(NOW, ZoneOffset.UTC));
        stapler.track(List.of(served(LEAF)), FETCH_TIMEOUT);
        await(() -> stapler.problem(LEAF).filter(p -> p.contains("issuer")).isPresent());
    }

    @Test
    void aResponsePastItsNextUpdateIsNoLongerStapled() {
        byte[] der = response(LEAF, CertificateStatus.GOOD, NOW, NOW.plusSeconds(60), CA_KEYS);
        MovableClock clock = new MovableClock(NOW);
        stapler = new OcspStapler((uri, request, within) -> der, clock);
        stapler.track(List.of(served(LEAF, CA)), FETCH_TIMEOUT);
        await(() -> stapler.staple(LEAF) != null);
        clock.now = NOW.plusSeconds(61);
        assertNull(stapler.staple(LEAF));
        assertTrue(stapler.problem(LEAF).isPresent());
    }

    static final class MovableClock extends Clock {
        volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static void await(BooleanSupplier condition) {
        dev.rsp.tls.Poll.until("the stapler's state", java.time.Duration.ofSeconds(10), condition);
    }
}
