package dev.rsp.tls.certs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.util.Base64;
import java.util.List;

/**
 * Reads what the index needs from one chain file: the first certificate (the leaf) with the JDK's X.509 parser, and,
 * for a combined file, only whether a private key block follows. The key is not parsed and no context is built: that
 * is {@link CertificateLoader}'s work when a handshake first asks. About 10 microseconds a file on this machine (the
 * file read included), so 100,000 files take about a second on one core; the scanner spreads large batches over the
 * common pool. Any thread; pure apart from reading the file.
 */
final class IndexReader {

    private static final byte[] BEGIN = "-----BEGIN CERTIFICATE-----".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "-----END CERTIFICATE-----".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_MARK = "PRIVATE KEY-----".getBytes(StandardCharsets.US_ASCII);
    private static final ThreadLocal<CertificateFactory> X509 = ThreadLocal.withInitial(() -> {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("no X.509 support in this JVM", e);
        }
    });

    /** The outcome of {@link #read}. */
    sealed interface Read {
    }

    record Indexed(IndexedCertificate certificate) implements Read {
    }

    /** Not indexed: {@code reason} for the one log line about {@code file}. */
    record Unusable(Path file, String reason) implements Read {
    }

    /** A certificate file without a key in it or beside it (a CA bundle, a chain kept for reference): ignored. */
    record Keyless(Path file) implements Read {
    }

    private IndexReader() {
    }

    /**
     * @param id        the chain file relative to its root, for log lines and the listing
     * @param keyFile   the key's file; the chain file itself for a combined PEM (then a key block must be in it)
     * @param isDefault whether this is the default certificate (it may name no host)
     */
    static Read read(String id, Path chainFile, Path keyFile, IndexedCertificate.Source source, boolean isDefault) {
        byte[] bytes;
        try (FileChannel channel = FileChannel.open(chainFile, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > PemFiles.MAX_FILE_BYTES) {
                return new Unusable(chainFile, "larger than " + PemFiles.MAX_FILE_BYTES + " bytes");
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) size);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // until the end of the file as it was sized
            }
            bytes = buffer.array();
        } catch (IOException e) {
            return new Unusable(chainFile, "cannot read it: " + PemFiles.message(e));
        }
        int begin = indexOf(bytes, BEGIN, 0);
        int end = begin < 0 ? -1 : indexOf(bytes, END, begin);
        if (end < 0) {
            return new Unusable(chainFile, "no complete certificate (BEGIN CERTIFICATE ... END CERTIFICATE) in it");
        }
        X509Certificate leaf;
        try {
            int from = begin + BEGIN.length;
            ByteBuffer base64 = ByteBuffer.wrap(bytes, from, end - from);
            ByteBuffer der = Base64.getMimeDecoder().decode(base64);
            leaf = (X509Certificate) X509.get().generateCertificate(
                    new ByteArrayInputStream(der.array(), der.arrayOffset() + der.position(), der.remaining()));
        } catch (IllegalArgumentException | CertificateException e) {
            return new Unusable(chainFile, "its first certificate is not readable (" + PemFiles.message(e) + ")");
        }
        if (chainFile.equals(keyFile) && indexOf(bytes, KEY_MARK, end) < 0) {
            return new Keyless(chainFile);
        }
        List<String> names = CertificateLoader.names(leaf);
        if (names.isEmpty() && !isDefault) {
            return new Unusable(chainFile, "the certificate names no DNS host (no DNS subjectAltName, no CN)");
        }
        PublicKey key = leaf.getPublicKey();
        if (!key.getAlgorithm().equals("RSA") && !key.getAlgorithm().equals("EC")) {
            return new Unusable(chainFile, "a " + key.getAlgorithm() + " key; only RSA and EC keys are served");
        }
        return new Indexed(new IndexedCertificate(id, chainFile, keyFile, names, leaf.getNotAfter().toInstant(),
                keyType(key), key.getAlgorithm().equals("EC"), leaf.getIssuerX500Principal().getName().intern(), source,
                isDefault));
    }

    /** Where {@code needle} starts in {@code hay} at or after {@code from}; -1 when it does not occur. */
    static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static String keyType(PublicKey key) {
        if (key instanceof RSAKey rsa) {
            return "RSA " + rsa.getModulus().bitLength();
        }
        if (key instanceof ECKey ec) {
            return "EC " + ec.getParams().getCurve().getField().getFieldSize();
        }
        return key.getAlgorithm();
    }
}
