package dev.rsp.tls.audit;

import java.math.BigInteger;
import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAPublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/** Reads what the audit reports from one certificate, with the JDK's X.509 classes only. */
final class CertificateFacts {

    private CertificateFacts() {
    }

    /** The key algorithm and its size in bits (0 when unknown). */
    record KeyFacts(String type, int bits) {
        /** Comparable security strength in bits (NIST SP 800-57 equivalents, coarse). */
        int strength() {
            return switch (type) {
                case "RSA", "DSA" -> bits >= 15360 ? 256 : bits >= 7680 ? 192 : bits >= 3072 ? 128 : bits >= 2048 ? 112
                        : bits >= 1024 ? 80 : 0;
                case "EC", "Ed25519", "Ed448" -> bits / 2;
                default -> 0;
            };
        }

        boolean weak() {
            return switch (type) {
                case "RSA", "DSA" -> bits < 2048;
                case "EC" -> bits < 256;
                default -> false;
            };
        }

        @Override
        public String toString() {
            return bits > 0 ? type + " " + bits : type;
        }
    }

    static KeyFacts key(X509Certificate cert) {
        PublicKey key = cert.getPublicKey();
        if (key instanceof RSAPublicKey rsa) {
            return new KeyFacts("RSA", rsa.getModulus().bitLength());
        }
        if (key instanceof ECPublicKey ec) {
            return new KeyFacts("EC", ec.getParams().getOrder().bitLength());
        }
        if (key instanceof EdECPublicKey ed) {
            String curve = ed.getParams().getName();
            return new KeyFacts(curve, "Ed448".equalsIgnoreCase(curve) ? 448 : 255);
        }
        if (key instanceof DSAPublicKey dsa && dsa.getParams() != null) {
            return new KeyFacts("DSA", dsa.getParams().getP().bitLength());
        }
        return new KeyFacts(key.getAlgorithm(), 0);
    }

    /**
     * The strength of a signature's hash: 0 MD2/MD5, 1 SHA-1, 2 SHA-224, 3 SHA-256 (and unknown), 4 SHA-384,
     * 5 SHA-512 and EdDSA.
     */
    static int hashStrength(X509Certificate cert) {
        String alg = cert.getSigAlgName().toUpperCase(Locale.ROOT).replace("-", "");
        if (alg.contains("MD2") || alg.contains("MD5")) {
            return 0;
        }
        if (alg.contains("SHA1WITH") || alg.equals("SHA1")) {
            return 1;
        }
        if (alg.contains("SHA224")) {
            return 2;
        }
        if (alg.contains("SHA384")) {
            return 4;
        }
        if (alg.contains("SHA512") || alg.contains("ED25519") || alg.contains("ED448") || alg.contains("EDDSA")) {
            return 5;
        }
        return 3;
    }

    static boolean isSha1(X509Certificate cert) {
        return hashStrength(cert) == 1;
    }

    /** Issued by itself: same name, and its own key verifies its signature. */
    static boolean selfSigned(X509Certificate cert) {
        return cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal()) && signedBy(cert, cert);
    }

    /** Whether {@code issuer}'s key verifies {@code cert}'s signature and the names chain. */
    static boolean signedBy(X509Certificate cert, X509Certificate issuer) {
        if (!cert.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            return false;
        }
        try {
            cert.verify(issuer.getPublicKey());
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** Same subject and same public key: the same CA, whoever signed this copy. */
    static boolean sameEntity(X509Certificate a, X509Certificate b) {
        return a.getSubjectX500Principal().equals(b.getSubjectX500Principal()) && a.getPublicKey().equals(b.getPublicKey());
    }

    /** The DNS names among the subject alternative names, in certificate order. */
    static List<String> dnsNames(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String s) {
                        names.add(s);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // An unparseable extension: no names, which NAME_MISMATCH will then report.
        }
        return names;
    }

    /** All subject alternative names for display: DNS names as they are, others as {@code IP:...} etc. */
    static List<String> altNames(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    Object type = san.get(0);
                    Object value = san.get(1);
                    String prefix = switch (type instanceof Integer i ? i : -1) {
                        case 2 -> "";
                        case 7 -> "IP:";
                        case 1 -> "email:";
                        case 6 -> "URI:";
                        default -> "other:";
                    };
                    names.add(prefix + (value instanceof String s ? s : "(binary)"));
                }
            }
        } catch (CertificateParsingException e) {
            names.add("(unparseable subjectAltName)");
        }
        return names;
    }

    /** The issuer's CN; without one its O; without both the full DN (RFC 2253). */
    static String issuerName(X509Certificate cert) {
        return displayName(cert.getIssuerX500Principal());
    }

    static String displayName(X500Principal name) {
        return attribute(name, "CN").or(() -> attribute(name, "O")).orElse(name.getName(X500Principal.RFC2253));
    }

    /** The most specific (last in RFC 2253 order, first in the string) value of an attribute type. */
    static Optional<String> attribute(X500Principal name, String type) {
        try {
            List<Rdn> rdns = new LdapName(name.getName(X500Principal.RFC2253)).getRdns();
            for (int i = rdns.size() - 1; i >= 0; i--) {
                Rdn rdn = rdns.get(i);
                if (rdn.getType().equalsIgnoreCase(type) && rdn.getValue() instanceof String s && !s.isBlank()) {
                    return Optional.of(s);
                }
            }
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    static String dn(X500Principal name) {
        return name.getName(X500Principal.RFC2253);
    }

    static String serial(X509Certificate cert) {
        BigInteger s = cert.getSerialNumber();
        return s.toString(16);
    }
}
