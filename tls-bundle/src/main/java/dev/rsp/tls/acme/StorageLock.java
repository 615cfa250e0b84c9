package dev.rsp.tls.acme;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One lock per name among the instances sharing a storage directory: the file {@code locks/NAME.lock}, created with
 * {@code CREATE_NEW} (atomic on local and NFSv3+ file systems) and holding {@code owner time}, the owner's id and the
 * epoch milliseconds it was taken at. The holder orders and writes the certificate, then deletes the file. A lock older
 * than {@code stale} (its holder died mid-order) is taken over. Times come from the injected clock.
 */
final class StorageLock {

    /** The outcome of {@link #tryLock}. */
    sealed interface Attempt {
    }

    /** This instance holds the lock until {@link #close}. */
    record Held(Path file, String owner) implements Attempt, AutoCloseable {
        /** Deletes the lock file if it is still ours. */
        @Override
        public void close() {
            try {
                if (ownerOf(Files.readString(file, StandardCharsets.UTF_8)).equals(Optional.of(owner))) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException gone) {
                // already removed (taken over as stale, or by hand)
            }
        }
    }

    /** Another instance holds a fresh lock. */
    record Busy(String owner, Instant since) implements Attempt {
    }

    private final Path directory;
    private final String owner;
    private final Clock clock;
    private final Duration stale;

    StorageLock(Path storage, String owner, Clock clock, Duration stale) {
        this.directory = storage.resolve("locks");
        this.owner = owner;
        this.clock = clock;
        this.stale = stale;
    }

    /**
     * Takes the lock for {@code name}, taking over a stale one ({@code takenOver} runs then); {@link Busy} when another
     * holder's lock is fresh. A lock file that cannot be read counts as fresh until it is stale by its modification
     * time.
     */
    Attempt tryLock(String name, Runnable takenOver) throws IOException {
        AcmeStorage.createDirectories(directory);
        Path file = directory.resolve(name + ".lock");
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                Files.writeString(file, owner + " " + clock.millis() + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return new Held(file, owner);
            } catch (FileAlreadyExistsException held) {
                String text;
                try {
                    text = Files.readString(file, StandardCharsets.UTF_8);
                } catch (NoSuchFileException released) {
                    continue;
                }
                Instant since = since(text).orElse(Files.getLastModifiedTime(file).toInstant());
                String holder = ownerOf(text).orElse("unknown");
                if (Duration.between(since, clock.instant()).compareTo(stale) < 0) {
                    return new Busy(holder, since);
                }
                // stale: remove it only if it is still the one judged stale, then race for a new one
                try {
                    if (Files.readString(file, StandardCharsets.UTF_8).equals(text)) {
                        Files.deleteIfExists(file);
                        takenOver.run();
                    }
                } catch (NoSuchFileException released) {
                    // someone else removed it
                }
            }
        }
        return new Busy("unknown", clock.instant());
    }

    private static Optional<String> ownerOf(String text) {
        String[] parts = text.strip().split(" ");
        return parts.length == 2 ? Optional.of(parts[0]) : Optional.empty();
    }

    private static Optional<Instant> since(String text) {
        String[] parts = text.strip().split(" ");
        try {
            return parts.length == 2 ? Optional.of(Instant.ofEpochMilli(Long.parseLong(parts[1]))) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
