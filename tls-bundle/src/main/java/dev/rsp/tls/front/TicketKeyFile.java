package dev.rsp.tls.front;

import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ticket keys in force from {@code tickets.keys.file}: read when the property names a new file and on every poll
 * of the certificates (a file of at most 64 KiB, compared by content, so a rotation within the same second and size
 * is seen too). A file that cannot be used is logged at ERROR and the last good keys stay; a file never read
 * successfully leaves the engines' own keys. Used on the component's poll thread only.
 */
final class TicketKeyFile {

    private static final Logger log = LoggerFactory.getLogger(TicketKeyFile.class);

    private Optional<Path> path = Optional.empty();
    private Optional<TicketKeys> keys = Optional.empty();
    private String lastProblem;

    /** The keys to use for {@code configured} now: re-reads the file, keeps the last good keys when it is unusable. */
    Optional<TicketKeys> poll(Optional<Path> configured) {
        if (!configured.equals(path)) {
            path = configured;
            keys = Optional.empty();
            lastProblem = null;
        }
        if (path.isEmpty()) {
            return keys;
        }
        TicketKeys.Read read = TicketKeys.read(path.get());
        if (read instanceof TicketKeys.Refused refused) {
            if (!refused.reason().equals(lastProblem)) {
                lastProblem = refused.reason();
                log.error("rsp.tls: tickets.keys.file: {}; {}", refused.reason(), keys.isPresent()
                        ? "keeping the previous keys (" + keys.get() + ")" : "the engines keep their own keys");
            }
            return keys;
        }
        lastProblem = null;
        TicketKeys loaded = ((TicketKeys.Loaded) read).keys();
        if (!Optional.of(loaded).equals(keys)) {
            log.info("rsp.tls: session ticket keys from {}: {}{}", path.get(), loaded,
                    keys.isPresent() ? ", replacing " + keys.get() : "");
            keys = Optional.of(loaded);
        }
        return keys;
    }
}
