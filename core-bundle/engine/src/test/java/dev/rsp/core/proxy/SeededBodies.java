package dev.rsp.core.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/**
 * Message bodies from a seeded generator, streamed in pieces so that large ones are never held in memory, and the
 * SHA-256 digests both ends of a transfer compute to prove it byte-identical.
 */
final class SeededBodies {

    static final int PIECE = PacedInputStream.PIECE;

    private SeededBodies() {
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    static String hex(MessageDigest md) {
        return HexFormat.of().formatHex(md.digest());
    }

    /** {@code size} bytes of the stream seeded with {@code seed}. */
    static byte[] bytes(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Writes {@code size} bytes from the stream seeded with {@code seed}; returns their digest. */
    static String write(OutputStream out, long seed, long size) throws IOException {
        MessageDigest md = sha256();
        Random rnd = new Random(seed);
        byte[] piece = new byte[PIECE];
        for (long done = 0; done < size; ) {
            int n = (int) Math.min(PIECE, size - done);
            rnd.nextBytes(piece);
            out.write(piece, 0, n);
            md.update(piece, 0, n);
            done += n;
        }
        out.flush();
        return hex(md);
    }

    /**
     * Writes {@code size} bytes from the stream seeded with {@code seed} as a chunked body (chunk sizes from the
     * same seed, 1 byte to 64 KiB, some with an extension) and an empty trailer section; returns the data's digest.
     */
    static String writeChunked(OutputStream out, long seed, long size) throws IOException {
        MessageDigest md = sha256();
        Random rnd = new Random(seed);
        byte[] piece = new byte[PIECE];
        for (long done = 0; done < size; ) {
            int n = (int) Math.min(1 + rnd.nextInt(PIECE), size - done);
            rnd.nextBytes(piece);
            String line = Integer.toHexString(n) + (n % 3 == 0 ? ";ext=" + n : "") + "\r\n";
            out.write(line.getBytes(StandardCharsets.ISO_8859_1));
            out.write(piece, 0, n);
            out.write('\r');
            out.write('\n');
            md.update(piece, 0, n);
            done += n;
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return hex(md);
    }

    /** What a reader got: its byte count and their digest. */
    record Received(long bytes, String digest) {
    }

    /** Reads exactly {@code size} bytes (fewer when the stream ends early) in pieces, digesting them. */
    static Received read(InputStream in, long size) throws IOException {
        MessageDigest md = sha256();
        byte[] piece = new byte[PIECE];
        long got = 0;
        while (got < size) {
            int n = in.read(piece, 0, (int) Math.min(PIECE, size - got));
            if (n < 0) {
                break;
            }
            md.update(piece, 0, n);
            got += n;
        }
        return new Received(got, hex(md));
    }

    /** Reads a chunked body up to and including its trailer section, digesting the chunk data. */
    static Received readChunked(InputStream in) throws IOException {
        MessageDigest md = sha256();
        byte[] piece = new byte[PIECE];
        long got = 0;
        while (true) {
            String line = StubBackend.readLine(in);
            if (line == null) {
                throw new IOException("chunked body ended after " + got + " bytes");
            }
            int n = Integer.parseInt(line.split(";")[0].trim(), 16);
            if (n == 0) {
                for (String t = StubBackend.readLine(in); t != null && !t.isEmpty(); t = StubBackend.readLine(in)) {
                    // trailer fields
                }
                return new Received(got, hex(md));
            }
            for (int left = n; left > 0; ) {
                int r = in.read(piece, 0, Math.min(PIECE, left));
                if (r < 0) {
                    throw new IOException("chunk cut short after " + got + " bytes");
                }
                md.update(piece, 0, r);
                left -= r;
                got += r;
            }
            StubBackend.readLine(in);
        }
    }
}
