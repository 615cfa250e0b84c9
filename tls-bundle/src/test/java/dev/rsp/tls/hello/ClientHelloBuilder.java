package dev.rsp.tls.hello;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Builds ClientHellos field by field (RFC 8446 4.1.2), wrapped in one or more TLS records, so that tests read as
 * what they send. Every length is computed unless a test overrides it to build a malformed hello.
 */
final class ClientHelloBuilder {

    static final int KEY_SHARE = 51;
    static final int PADDING = 21;
    static final int X25519_MLKEM768 = 0x11EC;
    /** ML-KEM-768 encapsulation key (1,184 bytes) followed by an X25519 share (32 bytes). */
    static final int X25519_MLKEM768_SHARE = 1184 + 32;

    private int legacyVersion = 0x0303;
    private int recordVersion = 0x0301;
    private byte[] sessionId = new byte[32];
    private int[] cipherSuites = {0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F};
    private boolean withExtensions = true;
    private final List<byte[]> extensions = new ArrayList<>();
    private final Random random = new Random(7);

    /** A Chrome-like hello: SNI, ALPN h2 + http/1.1, TLS 1.3 and 1.2, a GREASE'd signature_algorithms, a hybrid post-quantum key share. */
    static ClientHelloBuilder modern(String host) {
        return new ClientHelloBuilder().serverName(host).alpn("h2", "http/1.1").supportedVersions(0x0304, 0x0303)
                .signatureAlgorithms(0x7A7A, 0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601)
                .keyShare(X25519_MLKEM768, X25519_MLKEM768_SHARE).keyShare(0x001D, 32);
    }

    ClientHelloBuilder signatureAlgorithms(int... schemes) {
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        for (int v : schemes) {
            list.writeBytes(new byte[] {(byte) (v >> 8), (byte) v});
        }
        return extension(13, u16(list.toByteArray()));
    }

    ClientHelloBuilder legacyVersion(int v) {
        legacyVersion = v;
        return this;
    }

    ClientHelloBuilder recordVersion(int v) {
        recordVersion = v;
        return this;
    }

    ClientHelloBuilder sessionId(int length) {
        sessionId = new byte[length];
        return this;
    }

    ClientHelloBuilder cipherSuites(int... suites) {
        cipherSuites = suites.clone();
        return this;
    }

    /** Ends the hello after the compression methods, as TLS 1.0 clients may. */
    ClientHelloBuilder noExtensions() {
        withExtensions = false;
        return this;
    }

    ClientHelloBuilder serverName(String host) {
        byte[] name = host.getBytes(StandardCharsets.ISO_8859_1);
        return extension(0, u16(concat(new byte[] {0}, u16(name))));
    }

    ClientHelloBuilder alpn(String... protocols) {
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        for (String p : protocols) {
            list.writeBytes(u8(p.getBytes(StandardCharsets.ISO_8859_1)));
        }
        return extension(16, u16(list.toByteArray()));
    }

    ClientHelloBuilder supportedVersions(int... versions) {
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        for (int v : versions) {
            list.writeBytes(new byte[] {(byte) (v >> 8), (byte) v});
        }
        return extension(43, u8(list.toByteArray()));
    }

    /** A key_share entry of {@code size} random bytes (several calls make one extension each; use once per hello). */
    ClientHelloBuilder keyShare(int group, int size) {
        byte[] share = new byte[size];
        random.nextBytes(share);
        byte[] entry = concat(new byte[] {(byte) (group >> 8), (byte) group}, u16(share));
        for (int i = 0; i < extensions.size(); i++) {
            byte[] e = extensions.get(i);
            if (((e[0] & 0xFF) << 8 | e[1] & 0xFF) == KEY_SHARE) {
                byte[] oldEntries = Arrays.copyOfRange(e, 6, e.length);
                extensions.set(i, ext(KEY_SHARE, u16(concat(oldEntries, entry))));
                return this;
            }
        }
        return extension(KEY_SHARE, u16(entry));
    }

    ClientHelloBuilder padding(int size) {
        return extension(PADDING, new byte[size]);
    }

    /** Any extension, its data given verbatim. */
    ClientHelloBuilder extension(int type, byte[] data) {
        extensions.add(ext(type, data));
        return this;
    }

    /** The ClientHello body (after the handshake header). */
    byte[] body() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(legacyVersion >> 8);
        b.write(legacyVersion);
        byte[] rnd = new byte[32];
        random.nextBytes(rnd);
        b.writeBytes(rnd);
        b.writeBytes(u8(sessionId));
        ByteArrayOutputStream suites = new ByteArrayOutputStream();
        for (int s : cipherSuites) {
            suites.write(s >> 8);
            suites.write(s);
        }
        b.writeBytes(u16(suites.toByteArray()));
        b.writeBytes(u8(new byte[] {0}));
        if (withExtensions) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            extensions.forEach(all::writeBytes);
            b.writeBytes(u16(all.toByteArray()));
        }
        return b.toByteArray();
    }

    /** The handshake message: type 1, 24-bit length, body. */
    byte[] handshake() {
        return handshake(1, body());
    }

    /** In one record. */
    byte[] bytes() {
        return records(1);
    }

    /** The handshake split into {@code n} records of near-equal size. */
    byte[] records(int n) {
        return records(handshake(), recordVersion, n);
    }

    static byte[] handshake(int type, byte[] body) {
        return concat(new byte[] {(byte) type, (byte) (body.length >> 16), (byte) (body.length >> 8), (byte) body.length}, body);
    }

    static byte[] records(byte[] handshake, int version, int n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int from = 0;
        for (int i = 0; i < n; i++) {
            int to = handshake.length * (i + 1) / n;
            out.writeBytes(record(22, version, Arrays.copyOfRange(handshake, from, to)));
            from = to;
        }
        return out.toByteArray();
    }

    /** Records of at most {@code size} bytes each. */
    static byte[] recordsOf(byte[] handshake, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int from = 0; from < handshake.length; from += size) {
            out.writeBytes(record(22, 0x0301, Arrays.copyOfRange(handshake, from, Math.min(handshake.length, from + size))));
        }
        return out.toByteArray();
    }

    static byte[] record(int type, int version, byte[] fragment) {
        return concat(new byte[] {(byte) type, (byte) (version >> 8), (byte) version}, u16(fragment));
    }

    static byte[] ext(int type, byte[] data) {
        return concat(new byte[] {(byte) (type >> 8), (byte) type}, u16(data));
    }

    static byte[] u8(byte[] data) {
        return concat(new byte[] {(byte) data.length}, data);
    }

    static byte[] u16(byte[] data) {
        return concat(new byte[] {(byte) (data.length >> 8), (byte) data.length}, data);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
