package dev.rsp.tls.front;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ACME storage directory the TLS listener serves, remembered in a file of the bundle's data area: the ACME
 * component comes after the listener at a start (their configurations arrive separately), and may go (its file
 * removed, a bundle update); in between, the certificates it stored are still served. A new storage directory (the
 * component's {@code storage} changed) replaces the remembered one. Not thread-safe: the TLS component's applier only.
 */
final class AcmeStorageMemory {

    private static final Logger log = LoggerFactory.getLogger(AcmeStorageMemory.class);

    /** Remembers nothing (no data area): only the running component's storage is served. */
    static final AcmeStorageMemory NONE = new AcmeStorageMemory(Optional.empty(), Optional.empty());

    private final Optional<Path> file;
    private Optional<Path> storage;

    private AcmeStorageMemory(Optional<Path> file, Optional<Path> storage) {
        this.file = file;
        this.storage = storage;
    }

    /** What {@code file} remembers (nothing when it is missing or unreadable). */
    static AcmeStorageMemory in(Optional<Path> file) {
        Optional<Path> remembered = Optional.empty();
        if (file.isPresent() && Files.isRegularFile(file.get())) {
            try {
                String text = Files.readString(file.get(), StandardCharsets.UTF_8).strip();
                remembered = text.isEmpty() ? Optional.empty() : Optional.of(Path.of(text));
                remembered.ifPresent(p -> log.info("rsp.tls: serving the ACME storage {} of the last run until rsp.acme "
                        + "says otherwise", p));
            } catch (IOException | RuntimeException e) {
                log.warn("rsp.tls: cannot read {} ({}); the ACME storage is served once rsp.acme runs", file.get(), e.toString());
            }
        }
        return new AcmeStorageMemory(file, remembered);
    }

    /**
     * The storage to serve: the running component's ({@code fromManager}, remembered when it is new), else the one
     * remembered.
     */
    Optional<Path> now(Optional<Path> fromManager) {
        if (fromManager.isPresent() && !fromManager.equals(storage)) {
            storage = fromManager;
            remember(fromManager.get());
        }
        return storage;
    }

    private void remember(Path storage) {
        if (file.isEmpty()) {
            return;
        }
        Path tmp = file.get().resolveSibling(file.get().getFileName() + ".tmp");
        try {
            Files.writeString(tmp, storage.toAbsolutePath() + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file.get(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            log.warn("rsp.tls: cannot remember the ACME storage in {} ({}); after a restart its certificates are "
                    + "served once rsp.acme runs", file.get(), e.toString());
        }
    }
}
