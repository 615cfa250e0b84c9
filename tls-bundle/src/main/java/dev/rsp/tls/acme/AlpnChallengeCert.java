package dev.rsp.tls.acme;

import dev.rsp.tls.certs.CertificateManager.AlpnChallenge;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * TLS-ALPN-01 validation certificates (RFC 8737 3) and the ones pending, by name. The certificate is self-signed for
 * a fresh EC P-256 key, names only the name (a DNS subjectAltName) and carries the critical {@code acmeIdentifier}
 * extension: the SHA-256 of the key authorization as an OCTET STRING. Built with the Bouncy Castle classes embedded in
 * this bundle and the JDK's providers (acme4j's helper signs with RSA only). Orders add and remove entries on the
 * component's threads; the TLS listener reads on network threads.
 */
final class AlpnChallengeCert {

    static final ASN1ObjectIdentifier ACME_IDENTIFIER = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.1.31");
    private static final SecureRandom SERIALS = new SecureRandom();

    private final Map<String, AlpnChallenge> pending = new ConcurrentHashMap<>();

    void add(String name, AlpnChallenge challenge) {
        pending.put(name, challenge);
    }

    void remove(String name) {
        pending.remove(name);
    }

    Optional<AlpnChallenge> get(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(pending.get(name));
    }

    /** The validation certificate and key for {@code name} and {@code keyAuthorization}, valid for a week from {@code now}. */
    static AlpnChallenge create(String name, String keyAuthorization, Instant now) {
        KeyPair keys = AcmeKeys.generate(AcmeSettings.KeyType.EC_P256);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(keyAuthorization.getBytes(StandardCharsets.US_ASCII));
            X500Name subject = new X500Name("CN=" + name);
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, SERIALS).add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(7))), subject,
                    keys.getPublic());
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, name)));
            b.addExtension(ACME_IDENTIFIER, true, new DEROctetString(digest));
            return new AlpnChallenge(new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))), keys.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("cannot make the TLS-ALPN-01 certificate for " + name, e);
        }
    }
}
