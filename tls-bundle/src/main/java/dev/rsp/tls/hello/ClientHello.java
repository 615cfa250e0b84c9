package dev.rsp.tls.hello;

import java.util.List;
import java.util.Optional;

/**
 * What a ClientHello offers, as the client sent it.
 *
 * @param serverName        the SNI host_name (RFC 6066), byte for byte as sent (ASCII, case and any trailing dot
 *                          kept): the caller canonicalizes it as it does a Host header. Empty when the client sent
 *                          no server_name extension or no host_name entry in it.
 * @param alpn              the ALPN protocol names (RFC 7301) in the client's order, each byte mapped to one char
 *                          (ISO-8859-1), e.g. {@code h2}, {@code http/1.1}; empty without the extension.
 * @param supportedVersions the versions of the supported_versions extension (RFC 8446 4.2.1) in the client's order,
 *                          GREASE values included (e.g. {@code 0x0304}); without the extension, just
 *                          {@code legacyVersion}
 * @param signatureSchemes  the SignatureScheme code points of the signature_algorithms extension (RFC 8446 4.2.3,
 *                          RFC 5246 7.4.1.4.1) in the client's order, GREASE values (RFC 8701) left out, at most
 *                          {@link #MAX_SIGNATURE_SCHEMES}; empty without the extension
 * @param legacyVersion     the ClientHello's legacy_version field (0x0303 for TLS 1.2 and 1.3 clients)
 * @param length            how many bytes from the start of the connection carry the ClientHello: record headers
 *                          included, up to the end of the record in which the ClientHello ends
 */
public record ClientHello(Optional<String> serverName, List<String> alpn, List<Integer> supportedVersions,
        List<Integer> signatureSchemes, int legacyVersion, int length) {

    /** Real clients send 10 to 30; a longer list is cut here, in the client's order (its first choices). */
    public static final int MAX_SIGNATURE_SCHEMES = 64;

    public ClientHello {
        alpn = List.copyOf(alpn);
        supportedVersions = List.copyOf(supportedVersions);
        signatureSchemes = List.copyOf(signatureSchemes);
    }

    /** TLS 1.3 is 0x0304 (RFC 8446); it can only be offered through supported_versions. */
    public boolean offersTls13() {
        return supportedVersions.contains(0x0304);
    }
}
