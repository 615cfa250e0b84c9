package dev.rsp.tls.hello;

import dev.rsp.tls.hello.Rejection.Reason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decodes a complete ClientHello body (RFC 8446 4.1.2; RFC 5246 7.4.1.2 for hellos without extensions) into a
 * {@link ClientHello} or a {@link Rejection}. Every length is checked against the structure that contains it; the
 * body is already in memory, so nothing here allocates in proportion to a declared length.
 */
final class ClientHelloDecoder {

    static final int EXT_SERVER_NAME = 0;
    static final int EXT_SIGNATURE_ALGORITHMS = 13;
    static final int EXT_ALPN = 16;
    static final int EXT_SUPPORTED_VERSIONS = 43;
    private static final int HOST_NAME = 0;
    private static final int MAX_DNS_NAME = 253;

    /** The outcome of {@link #decode}. */
    sealed interface Result permits Decoded, Malformed {
    }

    record Decoded(ClientHello hello) implements Result {
    }

    record Malformed(Rejection rejection) implements Result {
    }

    private final byte[] body;
    private int at;
    private Optional<String> serverName = Optional.empty();
    private final List<String> alpn = new ArrayList<>();
    private final List<Integer> versions = new ArrayList<>();
    private final List<Integer> signatureSchemes = new ArrayList<>();

    private ClientHelloDecoder(byte[] body) {
        this.body = body;
    }

    /**
     * @param body   the ClientHello body (after the 4-byte handshake header)
     * @param length the connection bytes that carried it, reported as {@link ClientHello#length()}
     */
    static Result decode(byte[] body, int length) {
        ClientHelloDecoder d = new ClientHelloDecoder(body);
        try {
            return new Decoded(d.read(length));
        } catch (Bad bad) {
            return new Malformed(new Rejection(bad.reason, bad.getMessage()));
        }
    }

    private ClientHello read(int length) {
        int legacyVersion = u16(body.length, Reason.BAD_HANDSHAKE);
        if (legacyVersion >>> 8 != 3) {
            throw new Bad(Reason.BAD_HANDSHAKE, String.format("legacy_version 0x%04x", legacyVersion));
        }
        skip(32, body.length, Reason.BAD_HANDSHAKE);
        int sessionId = u8(body.length, Reason.BAD_HANDSHAKE);
        if (sessionId > 32) {
            throw new Bad(Reason.BAD_HANDSHAKE, "legacy_session_id of " + sessionId + " bytes");
        }
        skip(sessionId, body.length, Reason.BAD_HANDSHAKE);
        int suites = u16(body.length, Reason.BAD_HANDSHAKE);
        if (suites < 2 || suites % 2 != 0) {
            throw new Bad(Reason.BAD_HANDSHAKE, "cipher_suites of " + suites + " bytes");
        }
        skip(suites, body.length, Reason.BAD_HANDSHAKE);
        int compression = u8(body.length, Reason.BAD_HANDSHAKE);
        if (compression < 1) {
            throw new Bad(Reason.BAD_HANDSHAKE, "no compression method");
        }
        skip(compression, body.length, Reason.BAD_HANDSHAKE);
        if (at < body.length) {
            int extensions = u16(body.length, Reason.BAD_HANDSHAKE);
            if (extensions != body.length - at) {
                throw new Bad(Reason.BAD_HANDSHAKE, "extensions length " + extensions + " does not match the "
                        + (body.length - at) + " bytes left");
            }
            readExtensions();
        }
        if (versions.isEmpty()) {
            versions.add(legacyVersion);
        }
        return new ClientHello(serverName, alpn, versions, signatureSchemes, legacyVersion, length);
    }

    /** Extension types seen so far, in order; a real hello has a few dozen at most. */
    private final int[] recent = new int[SMALL_SET];
    private int recentCount;
    /** Past {@link #SMALL_SET} extensions (a hostile hello), a bit per type instead of a linear search. */
    private long[] seenBits;

    private static final int SMALL_SET = 48;

    /** True the first time {@code type} is seen in this hello. */
    private boolean firstTime(int type) {
        if (seenBits == null) {
            for (int i = 0; i < recentCount; i++) {
                if (recent[i] == type) {
                    return false;
                }
            }
            if (recentCount < SMALL_SET) {
                recent[recentCount++] = type;
                return true;
            }
            seenBits = new long[1024];
            for (int i = 0; i < recentCount; i++) {
                seenBits[recent[i] >>> 6] |= 1L << recent[i];
            }
        }
        if ((seenBits[type >>> 6] & 1L << type) != 0) {
            return false;
        }
        seenBits[type >>> 6] |= 1L << type;
        return true;
    }

    private void readExtensions() {
        while (at < body.length) {
            int type = u16(body.length, Reason.BAD_EXTENSION);
            int length = u16(body.length, Reason.BAD_EXTENSION);
            if (length > body.length - at) {
                throw new Bad(Reason.BAD_EXTENSION, "extension " + type + " of " + length + " bytes runs past the hello");
            }
            if (!firstTime(type)) {
                throw new Bad(Reason.DUPLICATE_EXTENSION, "extension " + type + " appears twice");
            }
            int end = at + length;
            switch (type) {
                case EXT_SERVER_NAME -> readServerName(end);
                case EXT_ALPN -> readAlpn(end);
                case EXT_SUPPORTED_VERSIONS -> readSupportedVersions(end);
                case EXT_SIGNATURE_ALGORITHMS -> readSignatureAlgorithms(end);
                default -> at = end;
            }
            if (at != end) {
                throw new Bad(Reason.BAD_EXTENSION, "extension " + type + " has " + (end - at) + " trailing bytes");
            }
        }
    }

    /** RFC 6066 3: ServerNameList server_name_list&lt;1..2^16-1&gt;, at most one host_name. */
    private void readServerName(int end) {
        int list = u16(end, Reason.BAD_EXTENSION);
        if (list < 3 || list != end - at) {
            throw new Bad(Reason.BAD_EXTENSION, "server_name list length " + list);
        }
        while (at < end) {
            int nameType = u8(end, Reason.BAD_EXTENSION);
            int nameLength = u16(end, Reason.BAD_EXTENSION);
            if (nameLength < 1 || nameLength > end - at) {
                throw new Bad(Reason.BAD_EXTENSION, "server_name entry of " + nameLength + " bytes");
            }
            if (nameType == HOST_NAME) {
                if (serverName.isPresent()) {
                    throw new Bad(Reason.BAD_EXTENSION, "two host_name entries in server_name");
                }
                if (!isDnsName(body, at, nameLength)) {
                    throw new Bad(Reason.BAD_EXTENSION, "server_name host_name is not a DNS host name");
                }
                serverName = Optional.of(new String(body, at, nameLength, StandardCharsets.US_ASCII));
            }
            at += nameLength;
        }
    }

    /** RFC 7301 3.1: ProtocolNameList protocol_name_list&lt;2..2^16-1&gt;, ProtocolName&lt;1..2^8-1&gt;. */
    private void readAlpn(int end) {
        int list = u16(end, Reason.BAD_EXTENSION);
        if (list < 2 || list != end - at) {
            throw new Bad(Reason.BAD_EXTENSION, "ALPN list length " + list);
        }
        while (at < end) {
            int nameLength = u8(end, Reason.BAD_EXTENSION);
            if (nameLength < 1 || nameLength > end - at) {
                throw new Bad(Reason.BAD_EXTENSION, "ALPN protocol name of " + nameLength + " bytes");
            }
            alpn.add(new String(body, at, nameLength, StandardCharsets.ISO_8859_1));
            at += nameLength;
        }
    }

    /** RFC 8446 4.2.1: ProtocolVersion versions&lt;2..254&gt; in a ClientHello. */
    private void readSupportedVersions(int end) {
        int list = u8(end, Reason.BAD_EXTENSION);
        if (list < 2 || list % 2 != 0 || list != end - at) {
            throw new Bad(Reason.BAD_EXTENSION, "supported_versions list length " + list);
        }
        while (at < end) {
            versions.add(u16(end, Reason.BAD_EXTENSION));
        }
    }

    /**
     * RFC 8446 4.2.3: SignatureScheme supported_signature_algorithms&lt;2..2^16-2&gt;. GREASE values (0x?A?A, RFC 8701)
     * are left out; past {@link ClientHello#MAX_SIGNATURE_SCHEMES} the rest is checked but not kept.
     */
    private void readSignatureAlgorithms(int end) {
        int list = u16(end, Reason.BAD_EXTENSION);
        if (list < 2 || list % 2 != 0 || list != end - at) {
            throw new Bad(Reason.BAD_EXTENSION, "signature_algorithms list length " + list);
        }
        while (at < end) {
            int scheme = u16(end, Reason.BAD_EXTENSION);
            if (!isGrease(scheme) && signatureSchemes.size() < ClientHello.MAX_SIGNATURE_SCHEMES) {
                signatureSchemes.add(scheme);
            }
        }
    }

    /** RFC 8701: 0x0A0A, 0x1A1A, ... 0xFAFA. */
    static boolean isGrease(int value) {
        return (value & 0x0F0F) == 0x0A0A && (value >>> 8) == (value & 0xFF);
    }

    /**
     * A plausible DNS host name: labels of 1 to 63 letters, digits, '-' or '_', separated by dots, at most 253
     * characters, optionally one trailing dot (kept: the caller canonicalizes).
     */
    static boolean isDnsName(byte[] b, int from, int length) {
        int n = length > 0 && b[from + length - 1] == '.' ? length - 1 : length;
        if (n < 1 || n > MAX_DNS_NAME) {
            return false;
        }
        int label = 0;
        for (int i = from; i < from + n; i++) {
            int c = b[i] & 0xFF;
            if (c == '.') {
                if (label == 0) {
                    return false;
                }
                label = 0;
            } else if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
                if (++label > 63) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return label > 0;
    }

    private int u8(int limit, Reason reason) {
        if (limit - at < 1) {
            throw new Bad(reason, "truncated at byte " + at);
        }
        return body[at++] & 0xFF;
    }

    private int u16(int limit, Reason reason) {
        if (limit - at < 2) {
            throw new Bad(reason, "truncated at byte " + at);
        }
        int v = (body[at] & 0xFF) << 8 | body[at + 1] & 0xFF;
        at += 2;
        return v;
    }

    private void skip(int n, int limit, Reason reason) {
        if (limit - at < n) {
            throw new Bad(reason, "field of " + n + " bytes runs past byte " + limit);
        }
        at += n;
    }

    /** Unwinds a malformed body to {@link #decode}; never leaves this class. No stack trace: it is not a bug. */
    private static final class Bad extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Reason reason;

        Bad(Reason reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }
    }
}
