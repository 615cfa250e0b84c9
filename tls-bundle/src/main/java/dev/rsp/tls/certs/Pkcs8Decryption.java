package dev.rsp.tls.certs;

import java.security.GeneralSecurityException;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.EncryptionScheme;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Decrypts an {@code ENCRYPTED PRIVATE KEY} (PKCS#8 with PBES2, RFC 8018: PBKDF2 and AES-CBC or 3DES-CBC, what
 * OpenSSL writes) with the JDK's PBKDF2 and ciphers; Bouncy Castle only reads the ASN.1. Older PBES1 schemes are not
 * supported (re-encrypt with {@code openssl pkcs8 -topk8 -v2 aes-256-cbc}).
 */
final class Pkcs8Decryption {

    private record Scheme(String transformation, String keyAlgorithm, int keyBytes) {
    }

    private static final Map<ASN1ObjectIdentifier, Scheme> CIPHERS = Map.of(
            NISTObjectIdentifiers.id_aes128_CBC, new Scheme("AES/CBC/PKCS5Padding", "AES", 16),
            NISTObjectIdentifiers.id_aes192_CBC, new Scheme("AES/CBC/PKCS5Padding", "AES", 24),
            NISTObjectIdentifiers.id_aes256_CBC, new Scheme("AES/CBC/PKCS5Padding", "AES", 32),
            PKCSObjectIdentifiers.des_EDE3_CBC, new Scheme("DESede/CBC/PKCS5Padding", "DESede", 24));

    private static final Map<ASN1ObjectIdentifier, String> PRFS = Map.of(
            PKCSObjectIdentifiers.id_hmacWithSHA1, "PBKDF2WithHmacSHA1",
            PKCSObjectIdentifiers.id_hmacWithSHA224, "PBKDF2WithHmacSHA224",
            PKCSObjectIdentifiers.id_hmacWithSHA256, "PBKDF2WithHmacSHA256",
            PKCSObjectIdentifiers.id_hmacWithSHA384, "PBKDF2WithHmacSHA384",
            PKCSObjectIdentifiers.id_hmacWithSHA512, "PBKDF2WithHmacSHA512");

    private Pkcs8Decryption() {
    }

    static PrivateKeyInfo decrypt(PKCS8EncryptedPrivateKeyInfo encrypted, char[] password) throws GeneralSecurityException {
        AlgorithmIdentifier algorithm = encrypted.getEncryptionAlgorithm();
        if (!PKCSObjectIdentifiers.id_PBES2.equals(algorithm.getAlgorithm())) {
            throw new GeneralSecurityException("encryption " + algorithm.getAlgorithm() + " is not PBES2");
        }
        PBES2Parameters pbes2 = PBES2Parameters.getInstance(algorithm.getParameters());
        KeyDerivationFunc kdf = pbes2.getKeyDerivationFunc();
        if (!PKCSObjectIdentifiers.id_PBKDF2.equals(kdf.getAlgorithm())) {
            throw new GeneralSecurityException("key derivation " + kdf.getAlgorithm() + " is not PBKDF2");
        }
        EncryptionScheme es = pbes2.getEncryptionScheme();
        Scheme scheme = CIPHERS.get(es.getAlgorithm());
        if (scheme == null) {
            throw new GeneralSecurityException("cipher " + es.getAlgorithm() + " is not AES-CBC or 3DES-CBC");
        }
        PBKDF2Params params = PBKDF2Params.getInstance(kdf.getParameters());
        String prf = PRFS.get(params.getPrf().getAlgorithm());
        if (prf == null) {
            throw new GeneralSecurityException("PBKDF2 PRF " + params.getPrf().getAlgorithm() + " is not HMAC-SHA1/2");
        }
        int keyBytes = params.getKeyLength() != null ? params.getKeyLength().intValueExact() : scheme.keyBytes();
        PBEKeySpec spec = new PBEKeySpec(password, params.getSalt(), params.getIterationCount().intValueExact(), keyBytes * 8);
        byte[] key;
        try {
            key = SecretKeyFactory.getInstance(prf).generateSecret(spec).getEncoded();
        } finally {
            spec.clearPassword();
        }
        Cipher cipher = Cipher.getInstance(scheme.transformation());
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, scheme.keyAlgorithm()),
                new IvParameterSpec(ASN1OctetString.getInstance(es.getParameters()).getOctets()));
        return PrivateKeyInfo.getInstance(cipher.doFinal(encrypted.getEncryptedData()));
    }
}
