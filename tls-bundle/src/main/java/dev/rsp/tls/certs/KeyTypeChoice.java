package dev.rsp.tls.certs;

import java.util.List;

/**
 * Which of a name's certificates a client gets when it has an ECDSA and an RSA one, from the ClientHello's
 * signature_algorithms (RFC 8446 4.2.3; RFC 5246 7.4.1.4.1), as HAProxy and nginx choose: ECDSA when the client offers
 * an ECDSA scheme, else RSA (schemes 0x0401, 0x0501, 0x0601, 0x0201 and PSS 0x0804 to 0x0806); without the extension
 * (old clients) RSA, which every client can verify. When the name has only one of the two, that one.
 */
public final class KeyTypeChoice {

    private KeyTypeChoice() {
    }

    static IndexedCertificate choose(IndexedCertificate ec, IndexedCertificate rsa, List<Integer> signatureSchemes) {
        ec = ec == null || ec.failed() ? null : ec;
        rsa = rsa == null || rsa.failed() ? null : rsa;
        if (ec == null || rsa == null) {
            return ec != null ? ec : rsa;
        }
        return offersEcdsa(signatureSchemes) ? ec : rsa;
    }

    /** Whether one of the schemes is ECDSA: 0x0403, 0x0503, 0x0603, or TLS 1.2's legacy 0x0203 (SHA-1). */
    public static boolean offersEcdsa(List<Integer> signatureSchemes) {
        for (int i = 0; i < signatureSchemes.size(); i++) {
            int s = signatureSchemes.get(i);
            if (s == 0x0403 || s == 0x0503 || s == 0x0603 || s == 0x0203) {
                return true;
            }
        }
        return false;
    }
}
