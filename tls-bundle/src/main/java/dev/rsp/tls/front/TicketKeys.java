package dev.rsp.tls.front;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The session ticket keys of {@code tickets.keys.file}: what lets several rsp instances, and one instance after a
 * restart, resume each other's TLS sessions.
 *
 * <p>The file: one key per line, each 48 random bytes in base64 ({@code openssl rand -base64 48}), laid out as in
 * nginx's and HAProxy's 48-byte keys: a 16-byte key name, a 16-byte AES-128 key, a 16-byte HMAC-SHA256 key. The first
 * key encrypts new tickets; every key decrypts (a ticket names its key). Blank lines and lines starting with {@code #}
 * are skipped. At most {@link #MAX_KEYS} keys, {@link #MAX_FILE_BYTES} bytes; key names must differ.
 *
 * <p>Rotation: write a new key as the first line and keep the previous ones below it (drop the oldest once tickets
 * made with it have outlived {@code session.timeout.ms}); replace the file atomically (write beside it, rename). Every
 * instance sharing the file should see the new key before any of them encrypts with it, so distribute a new key as
 * the second line first and move it to the top in a later step (HAProxy's and nginx's procedure as well).
 *
 * <p>Immutable. The key bytes are never printed ({@link #toString()} shows the key names' digest only).
 */
final class TicketKeys {

    static final int KEY_BYTES = 48;
    static final int NAME_BYTES = 16;
    static final int MAX_KEYS = 16;
    static final int MAX_FILE_BYTES = 64 * 1024;

    /** One key: the name a ticket carries, the AES key that encrypts it and the HMAC key that authenticates it. */
    record Key(byte[] name, byte[] aes, byte[] hmac) {
        @Override
        public String toString() {
            return "Key[" + HexFormat.of().formatHex(name) + "]";
        }
    }

    /** The outcome of reading a key file. */
    sealed interface Read {
    }

    /** Usable keys, the first one encrypts. {@code digest} changes when any key changes (to tell a rotation). */
    record Loaded(TicketKeys keys) implements Read {
    }

    /** The file cannot be used; {@code reason} names the line or the problem (never key bytes). */
    record Refused(String reason) implements Read {
    }

    private final List<Key> keys;
    private final String digest;

    private TicketKeys(List<Key> keys, String digest) {
        this.keys = List.copyOf(keys);
        this.digest = digest;
    }

    List<Key> keys() {
        return keys;
    }

    /** A short digest of every key (the first 8 bytes of a SHA-256 over them, hex): for log lines and comparisons. */
    String digest() {
        return digest;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TicketKeys k && k.digest.equals(digest);
    }

    @Override
    public int hashCode() {
        return digest.hashCode();
    }

    @Override
    public String toString() {
        return keys.size() + (keys.size() == 1 ? " key" : " keys") + " (digest " + digest + ")";
    }

    /** Reads and checks {@code file}. Blocking I/O: off the loop. */
    static Read read(Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        } catch (IOException e) {
            return new Refused("cannot read " + file + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        if (bytes.length > MAX_FILE_BYTES) {
            return new Refused(file + " is larger than " + MAX_FILE_BYTES + " bytes");
        }
        return parse(new String(bytes, StandardCharsets.US_ASCII), file.toString());
    }

    /** Parses the text of a key file; {@code source} names it in reasons. */
    static Read parse(String text, String source) {
        List<Key> keys = new ArrayList<>();
        Set<String> names = new HashSet<>();
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            byte[] raw;
            try {
                raw = Base64.getDecoder().decode(line);
            } catch (IllegalArgumentException e) {
                return new Refused(source + " line " + (i + 1) + ": not base64");
            }
            if (raw.length != KEY_BYTES) {
                return new Refused(source + " line " + (i + 1) + ": " + raw.length + " bytes, expected " + KEY_BYTES
                        + " (openssl rand -base64 48)" + (raw.length == 80 ? "; 80-byte AES-256 keys are not supported" : ""));
            }
            byte[] name = Arrays.copyOfRange(raw, 0, NAME_BYTES);
            if (!names.add(HexFormat.of().formatHex(name))) {
                return new Refused(source + " line " + (i + 1) + ": a second key with the same name (first 16 bytes)");
            }
            if (keys.size() == MAX_KEYS) {
                return new Refused(source + ": more than " + MAX_KEYS + " keys");
            }
            keys.add(new Key(name, Arrays.copyOfRange(raw, 16, 32), Arrays.copyOfRange(raw, 32, 48)));
            sha.update(raw);
        }
        if (keys.isEmpty()) {
            return new Refused(source + ": no key (one per line, 48 random bytes in base64: openssl rand -base64 48)");
        }
        return new Loaded(new TicketKeys(keys, HexFormat.of().formatHex(Arrays.copyOf(sha.digest(), 8))));
    }
}
