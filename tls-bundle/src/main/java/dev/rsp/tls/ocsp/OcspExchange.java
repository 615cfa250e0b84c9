package dev.rsp.tls.ocsp;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * The OCSP side of stapling, without the network: where a certificate's responder is (its Authority Information
 * Access), the request to send it (RFC 6960, SHA-1 certificate id, no nonce: responders may answer from a cache, as
 * nginx's and HAProxy's requests allow) and the check of the answer before it is stapled. Stateless; any thread but
 * the loops (signature checks).
 */
public final class OcspExchange {

    /** The outcome of {@link #check}. */
    public sealed interface Checked {
    }

    /**
     * A response fit to staple: successful, signed by the issuer or by a responder it delegated to, about this
     * certificate, status good, current.
     *
     * @param nextUpdate empty when the responder gives none (then rsp refreshes it every hour)
     */
    public record Good(byte[] der, Instant thisUpdate, Optional<Instant> nextUpdate) implements Checked {
    }

    /** Not fit to staple; {@code reason} says why (revoked, unknown, bad signature, stale, ...). */
    public record Unfit(String reason) implements Checked {
    }

    private static final DigestCalculatorProvider DIGESTS;

    static {
        try {
            DIGESTS = new JcaDigestCalculatorProviderBuilder().build();
        } catch (OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private OcspExchange() {
    }

    /** The first http URL of the certificate's OCSP responders (AIA id-ad-ocsp), empty when it names none. */
    public static Optional<URI> responder(X509Certificate certificate) {
        byte[] ext = certificate.getExtensionValue(Extension.authorityInfoAccess.getId());
        if (ext == null) {
            return Optional.empty();
        }
        try {
            AuthorityInformationAccess aia = AuthorityInformationAccess.getInstance(
                    ASN1OctetString.getInstance(ext).getOctets());
            for (AccessDescription d : aia.getAccessDescriptions()) {
                GeneralName where = d.getAccessLocation();
                if (d.getAccessMethod().equals(AccessDescription.id_ad_ocsp)
                        && where.getTagNo() == GeneralName.uniformResourceIdentifier) {
                    String url = where.getName().toString();
                    if (url.startsWith("http://") || url.startsWith("https://")) {
                        return Optional.of(URI.create(url));
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            // a malformed extension or URL: no responder to ask
        }
        return Optional.empty();
    }

    /** A DER OCSP request for {@code certificate}, issued by {@code issuer}. */
    public static byte[] request(X509Certificate certificate, X509Certificate issuer) throws IOException {
        try {
            return new OCSPReqBuilder().addRequest(id(certificate, issuer)).build().getEncoded();
        } catch (OCSPException | CertificateEncodingException | OperatorCreationException e) {
            throw new IOException("cannot build the OCSP request: " + e.getMessage(), e);
        }
    }

    private static CertificateID id(X509Certificate certificate, X509Certificate issuer)
            throws OperatorCreationException, CertificateEncodingException, OCSPException {
        return new CertificateID(DIGESTS.get(CertificateID.HASH_SHA1), new JcaX509CertificateHolder(issuer),
                certificate.getSerialNumber());
    }

    /** Checks a DER OCSP response for {@code certificate} (issued by {@code issuer}) at {@code now}. */
    public static Checked check(byte[] der, X509Certificate certificate, X509Certificate issuer, Instant now) {
        try {
            OCSPResp resp = new OCSPResp(der);
            if (resp.getStatus() != OCSPResp.SUCCESSFUL) {
                return new Unfit("the responder answered status " + resp.getStatus() + " (" + statusName(resp.getStatus()) + ")");
            }
            if (!(resp.getResponseObject() instanceof BasicOCSPResp basic)) {
                return new Unfit("not a basic OCSP response");
            }
            if (!signedByIssuerOrDelegate(basic, issuer, now)) {
                return new Unfit("the response is not signed by the issuer nor by a responder it authorized");
            }
            BigInteger serial = certificate.getSerialNumber();
            for (SingleResp single : basic.getResponses()) {
                CertificateID got = single.getCertID();
                if (!got.getSerialNumber().equals(serial) || !got.matchesIssuer(new JcaX509CertificateHolder(issuer), DIGESTS)) {
                    continue;
                }
                CertificateStatus status = single.getCertStatus();
                if (status instanceof RevokedStatus revoked) {
                    return new Unfit("REVOKED since " + revoked.getRevocationTime().toInstant());
                }
                if (status != CertificateStatus.GOOD) {
                    return new Unfit("the responder does not know the certificate (status unknown)");
                }
                Instant thisUpdate = single.getThisUpdate().toInstant();
                Optional<Instant> nextUpdate = Optional.ofNullable(single.getNextUpdate()).map(Date::toInstant);
                if (thisUpdate.isAfter(now.plusSeconds(300))) {
                    return new Unfit("thisUpdate " + thisUpdate + " is in the future");
                }
                if (nextUpdate.isPresent() && !nextUpdate.get().isAfter(now)) {
                    return new Unfit("stale: nextUpdate " + nextUpdate.get() + " has passed");
                }
                return new Good(der.clone(), thisUpdate, nextUpdate);
            }
            return new Unfit("the response is about another certificate");
        } catch (IOException | RuntimeException | OCSPException | OperatorCreationException
                | java.security.cert.CertificateException | org.bouncycastle.cert.CertException e) {
            // RuntimeException: Bouncy Castle's parsers throw unchecked ones on malformed input
            return new Unfit("not an OCSP response (" + e.getMessage() + ")");
        }
    }

    private static boolean signedByIssuerOrDelegate(BasicOCSPResp basic, X509Certificate issuer, Instant now)
            throws OperatorCreationException, OCSPException, java.security.cert.CertificateException,
            org.bouncycastle.cert.CertException {
        JcaContentVerifierProviderBuilder verifiers = new JcaContentVerifierProviderBuilder();
        ContentVerifierProvider byIssuer = verifiers.build(issuer.getPublicKey());
        if (basic.isSignatureValid(byIssuer)) {
            return true;
        }
        X509CertificateHolder issuerHolder = new JcaX509CertificateHolder(issuer);
        for (X509CertificateHolder responder : basic.getCerts()) {
            boolean issuedByIssuer = responder.getIssuer().equals(issuerHolder.getSubject())
                    && responder.isSignatureValid(verifiers.build(issuer.getPublicKey()));
            boolean forOcsp = responder.getExtensions() != null
                    && org.bouncycastle.asn1.x509.ExtendedKeyUsage.fromExtensions(responder.getExtensions()) != null
                    && org.bouncycastle.asn1.x509.ExtendedKeyUsage.fromExtensions(responder.getExtensions())
                            .hasKeyPurposeId(KeyPurposeId.id_kp_OCSPSigning);
            if (issuedByIssuer && forOcsp && responder.isValidOn(Date.from(now))
                    && basic.isSignatureValid(verifiers.build(responder))) {
                return true;
            }
        }
        return false;
    }

    private static String statusName(int status) {
        return switch (status) {
            case OCSPResp.MALFORMED_REQUEST -> "malformedRequest";
            case OCSPResp.INTERNAL_ERROR -> "internalError";
            case OCSPResp.TRY_LATER -> "tryLater";
            case OCSPResp.SIG_REQUIRED -> "sigRequired";
            case OCSPResp.UNAUTHORIZED -> "unauthorized";
            default -> "unknown";
        };
    }
}
