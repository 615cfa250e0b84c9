package dev.rsp.tls.acme;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.tls.certs.CertificateManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1OctetString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AcmeStorageTest {

    @TempDir
    Path home;

    @Test
    void theAccountKeyIsCreatedOnceOwnerOnlyAndReadBack() throws Exception {
        AcmeStorage storage = new AcmeStorage(home.resolve("etc/certs/acme"));
        KeyPair made = storage.accountKey(AcmeSettings.KeyType.EC_P256);
        KeyPair read = new AcmeStorage(home.resolve("etc/certs/acme")).accountKey(AcmeSettings.KeyType.EC_P256);
        assertArrayEquals(made.getPrivate().getEncoded(), read.getPrivate().getEncoded());
        assertArrayEquals(made.getPublic().getEncoded(), read.getPublic().getEncoded());
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(home.resolve("etc/certs/acme/account.key"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("etc/certs/acme"))));
    }

    @Test
    void anUnreadableCertificateFileIsAnErrorNotAnAbsence() throws Exception {
        AcmeStorage storage = new AcmeStorage(home);
        assertEquals(Optional.empty(), storage.read("none.example.com"));
        Files.writeString(home.resolve("half.example.com.pem"), "-----BEGIN CERTIFICATE-----\nMIIB");
        IOException e = assertThrows(IOException.class, () -> storage.read("half.example.com"));
        assertTrue(e.getMessage().contains("lacks a CERTIFICATE or a PRIVATE KEY block"), e.getMessage());
    }

    @Test
    void aWrittenCertificateIsReadBackWithItsDates() throws Exception {
        AcmeStorage storage = new AcmeStorage(home);
        CertificateManager.AlpnChallenge self = AlpnChallengeCert.create("w.example.com", "token.thumbprint", Instant.now());
        storage.write("w.example.com", List.of(self.certificate()), self.key());
        AcmeStorage.Stored stored = storage.read("w.example.com").orElseThrow();
        assertEquals(self.certificate().getNotAfter().toInstant(), stored.notAfter());
        assertEquals(self.certificate().getSerialNumber(), stored.serial());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("w.example.com.pem"))));
    }

    @Test
    void theTlsAlpnCertificateCarriesTheDigestOfTheKeyAuthorizationInACriticalExtension() throws Exception {
        CertificateManager.AlpnChallenge c = AlpnChallengeCert.create("v.example.com", "tok.thumb", Instant.now());
        assertTrue(c.certificate().getCriticalExtensionOIDs().contains("1.3.6.1.5.5.7.1.31"));
        byte[] value = ASN1OctetString.getInstance(c.certificate().getExtensionValue("1.3.6.1.5.5.7.1.31")).getOctets();
        byte[] digest = MessageDigest.getInstance("SHA-256").digest("tok.thumb".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertArrayEquals(ASN1OctetString.getInstance(value).getOctets(), digest, "an OCTET STRING of the SHA-256");
        assertEquals(List.of(List.of(2, "v.example.com")), c.certificate().getSubjectAlternativeNames().stream()
                .map(l -> List.copyOf(l)).toList());
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(c.key());
        s.update(new byte[] {1});
        byte[] sig = s.sign();
        s.initVerify(c.certificate().getPublicKey());
        s.update(new byte[] {1});
        assertTrue(s.verify(sig), "the key matches the certificate");
    }
}
