package dev.rsp.tls.acme;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The storage directory: {@code account.key} (the ACME account's key pair), {@code NAME.pem} per name (the chain, leaf
 * first, then the certificate's PKCS#8 key; what the TLS listener serves) and {@code locks/} ({@link StorageLock}).
 * Files holding keys are created with mode 600, directories with 700. Every file is replaced atomically (a temporary
 * file, fsync, rename, fsync of the directory), so a reader (the TLS listener, another instance) sees the old file or
 * the new one, never half of one. Called on the ACME component's threads only: never on a network thread.
 */
final class AcmeStorage {

    /** What storage holds for a name: enough to plan its renewal. */
    record Stored(java.math.BigInteger serial, Instant notBefore, Instant notAfter, Instant modified) {
    }

    static final String ACCOUNT_KEY = "account.key";
    private static final long MAX_FILE_BYTES = 1 << 20;

    private final Path directory;

    AcmeStorage(Path directory) {
        this.directory = directory;
    }

    Path directory() {
        return directory;
    }

    Path file(String name) {
        return directory.resolve(name + ".pem");
    }

    /**
     * The certificate stored for {@code name}: empty when there is none; an exception when the file is there but
     * cannot be read as a chain (the caller logs it and orders anew).
     */
    Optional<Stored> read(String name) throws IOException {
        Path file = file(name);
        Instant modified;
        String text;
        try {
            modified = Files.getLastModifiedTime(file).toInstant();
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new IOException(file + " is larger than " + MAX_FILE_BYTES + " bytes");
            }
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        List<byte[]> ders = AcmeKeys.certificates(text);
        if (ders.isEmpty() || AcmeKeys.block(text, "PRIVATE KEY").isEmpty()) {
            throw new IOException(file + " lacks a CERTIFICATE or a PRIVATE KEY block");
        }
        try {
            X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(ders.get(0)));
            return Optional.of(new Stored(leaf.getSerialNumber(), leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant(), modified));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException(file + ": the first certificate does not parse (" + e.getMessage() + ")", e);
        }
    }

    /** The names of the {@code NAME.pem} files present (valid names only); empty when the directory is missing or unreadable. */
    List<String> storedNames() {
        List<String> names = new ArrayList<>();
        try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.pem")) {
            for (Path f : files) {
                String file = f.getFileName().toString();
                AcmeSettings.name(file.substring(0, file.length() - ".pem".length())).ifPresent(names::add);
            }
        } catch (IOException | java.nio.file.DirectoryIteratorException e) {
            // nothing stored yet, or nothing readable: the names configured are ordered as usual
        }
        return names;
    }

    /** Replaces {@code NAME.pem} with {@code chain} (leaf first) and {@code key}, atomically. */
    void write(String name, List<X509Certificate> chain, PrivateKey key) throws IOException {
        StringBuilder text = new StringBuilder();
        chain.forEach(c -> text.append(AcmeKeys.pem(c)));
        text.append(AcmeKeys.pem("PRIVATE KEY", key.getEncoded()));
        replace(file(name), text.toString());
    }

    /** The account's key pair, created with {@code type} (once, shared by every instance using this storage). */
    KeyPair accountKey(AcmeSettings.KeyType type) throws IOException {
        Path file = directory.resolve(ACCOUNT_KEY);
        for (int attempt = 0; attempt < 2; attempt++) {
            if (Files.exists(file)) {
                try {
                    return AcmeKeys.read(Files.readString(file, StandardCharsets.US_ASCII));
                } catch (GeneralSecurityException e) {
                    throw new IOException(file + " is not a key pair rsp wrote (" + e.getMessage() + "); move it away "
                            + "to register a new account", e);
                }
            }
            KeyPair created = AcmeKeys.generate(type);
            Path temp = writeTemp(AcmeKeys.pem(created));
            try {
                Files.createLink(file, temp); // fails when another instance made one first: then read theirs
                syncDirectory();
                return created;
            } catch (FileAlreadyExistsException raced) {
                // read the winner's on the next attempt
            } finally {
                Files.deleteIfExists(temp);
            }
        }
        throw new IOException(file + " could neither be read nor created");
    }

    private void replace(Path target, String text) throws IOException {
        Path temp = writeTemp(text);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
        syncDirectory();
    }

    /** A new file (mode 600) beside the targets, its content forced to disk. */
    private Path writeTemp(String text) throws IOException {
        createDirectories(directory);
        Path temp = directory.resolve(".tmp-" + UUID.randomUUID());
        try (FileChannel ch = FileChannel.open(temp,
                java.util.EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly(false))) {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        return temp;
    }

    private void syncDirectory() {
        try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException notSupported) {
            // some file systems cannot open or sync a directory; the rename itself is still atomic
        }
    }

    /** Creates {@code dir} and its missing parents, the new ones with mode 700. */
    static void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        List<Path> missing = new ArrayList<>();
        for (Path p = dir.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
            missing.add(0, p);
        }
        for (Path p : missing) {
            try {
                Files.createDirectory(p, ownerOnly(true));
            } catch (FileAlreadyExistsException raced) {
                // another instance made it
            }
        }
    }

    private static FileAttribute<?>[] ownerOnly(boolean directory) {
        if (!java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString(directory ? "rwx------" : "rw-------"))};
    }
}
