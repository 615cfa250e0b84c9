package dev.rsp.bench.jmh;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * The ClientHellos the TLS benchmarks feed the parser, written out field by field (RFC 8446 4.1.2) in one TLS
 * record, with fixed-seed random bytes. Two shapes: what a browser sent before post-quantum key exchange (padded to
 * 512 bytes as Chrome does, RFC 7685) and what it sends with an X25519MLKEM768 key share (about 1.8 KiB), padded
 * here to just over 2 KiB.
 */
final class ClientHelloBytes {

    private static final int SERVER_NAME = 0;
    private static final int SUPPORTED_GROUPS = 10;
    private static final int EC_POINT_FORMATS = 11;
    private static final int SIGNATURE_ALGORITHMS = 13;
    private static final int ALPN = 16;
    private static final int EXTENDED_MASTER_SECRET = 23;
    private static final int PADDING = 21;
    private static final int SESSION_TICKET = 35;
    private static final int SUPPORTED_VERSIONS = 43;
    private static final int PSK_KEY_EXCHANGE_MODES = 45;
    private static final int KEY_SHARE = 51;
    private static final int RENEGOTIATION_INFO = 0xFF01;
    private static final int X25519 = 0x001D;
    private static final int X25519_MLKEM768 = 0x11EC;
    private static final int RECORD_HEADER = 5;

    private ClientHelloBytes() {
    }

    /** A browser hello without a post-quantum share: SNI, ALPN h2 + http/1.1, TLS 1.3 + 1.2, padded to 512 bytes. */
    static byte[] browser(String host) {
        return record(host, new int[] {X25519}, new int[] {32}, 512);
    }

    /** The same with an X25519MLKEM768 share (1,184 + 32 bytes) before the X25519 one, padded to 2,100 bytes. */
    static byte[] postQuantum(String host) {
        return record(host, new int[] {X25519_MLKEM768, X25519}, new int[] {1184 + 32, 32}, 2100);
    }

    /** One record holding the handshake message; {@code total} is the record's size including its header. */
    private static byte[] record(String host, int[] groups, int[] shareSizes, int total) {
        Random random = new Random(42);
        Out ext = new Out();
        byte[] name = host.getBytes(StandardCharsets.US_ASCII);
        ext.extension(SERVER_NAME, new Out().u16(name.length + 3).u8(0).u16(name.length).bytes(name).done());
        ext.extension(EXTENDED_MASTER_SECRET, new byte[0]);
        ext.extension(RENEGOTIATION_INFO, new byte[] {0});
        Out supported = new Out().u16(2 * 4);
        for (int g : new int[] {X25519_MLKEM768, X25519, 0x0017, 0x0018}) {
            supported.u16(g);
        }
        ext.extension(SUPPORTED_GROUPS, supported.done());
        ext.extension(EC_POINT_FORMATS, new byte[] {1, 0});
        ext.extension(SESSION_TICKET, new byte[0]);
        byte[] h2 = "h2".getBytes(StandardCharsets.US_ASCII);
        byte[] h11 = "http/1.1".getBytes(StandardCharsets.US_ASCII);
        ext.extension(ALPN, new Out().u16(2 + h2.length + h11.length).u8(h2.length).bytes(h2)
                .u8(h11.length).bytes(h11).done());
        Out sigs = new Out().u16(2 * 8);
        for (int s : new int[] {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601}) {
            sigs.u16(s);
        }
        ext.extension(SIGNATURE_ALGORITHMS, sigs.done());
        Out shares = new Out();
        for (int i = 0; i < groups.length; i++) {
            byte[] key = new byte[shareSizes[i]];
            random.nextBytes(key);
            shares.u16(groups[i]).u16(key.length).bytes(key);
        }
        byte[] entries = shares.done();
        ext.extension(KEY_SHARE, new Out().u16(entries.length).bytes(entries).done());
        ext.extension(PSK_KEY_EXCHANGE_MODES, new byte[] {1, 1});
        ext.extension(SUPPORTED_VERSIONS, new byte[] {4, 0x03, 0x04, 0x03, 0x03});

        Out body = new Out().u16(0x0303);
        byte[] rnd = new byte[32];
        random.nextBytes(rnd);
        body.bytes(rnd);
        byte[] session = new byte[32];
        random.nextBytes(session);
        body.u8(session.length).bytes(session);
        int[] suites = {0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8, 0xC013, 0xC014,
                0x009C, 0x009D, 0x002F, 0x0035};
        body.u16(2 * suites.length);
        for (int s : suites) {
            body.u16(s);
        }
        body.u8(1).u8(0);
        byte[] extensions = ext.done();
        // record header, handshake header, body so far, extensions length, extensions, padding extension header
        int unpadded = RECORD_HEADER + 4 + body.size() + 2 + extensions.length + 4;
        if (unpadded > total) {
            throw new IllegalStateException("hello of " + unpadded + " bytes does not fit in " + total);
        }
        Out all = new Out().bytes(extensions);
        all.extension(PADDING, new byte[total - unpadded]);
        byte[] allExtensions = all.done();
        body.u16(allExtensions.length).bytes(allExtensions);
        byte[] b = body.done();
        byte[] handshake = new Out().u8(1).u8(b.length >>> 16).u16(b.length & 0xFFFF).bytes(b).done();
        return new Out().u8(22).u16(0x0301).u16(handshake.length).bytes(handshake).done();
    }

    private static final class Out {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Out u8(int v) {
            out.write(v);
            return this;
        }

        Out u16(int v) {
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        Out bytes(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        Out extension(int type, byte[] data) {
            return u16(type).u16(data.length).bytes(data);
        }

        int size() {
            return out.size();
        }

        byte[] done() {
            return out.toByteArray();
        }
    }
}
