package dev.rsp.tls.acme.ondemand;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The allow-list file ({@code ondemand.allow.file}) and the {@link AllowList} last read from it. The owner calls
 * {@link #reload()} at start and on its poll, off the network threads; {@link #current()} is a volatile read for any
 * thread. The file is read again only when its stamp (modification time, size, file key) changed; a file that cannot
 * be read keeps the last good list in force. Replace the file by writing a new one and renaming it over the old: a
 * rename changes the file key, so even an edit within one clock tick is seen.
 *
 * <p>Each bad line is logged once per read, with file and line number, up to {@link #MAX_LOGGED_PROBLEMS} lines and
 * then one line counting the rest.
 */
public final class AllowListFile {

    static final int MAX_LOGGED_PROBLEMS = 100;
    private static final Logger log = LoggerFactory.getLogger(AllowListFile.class);

    private final Path path;
    private volatile AllowList current = AllowList.EMPTY;
    /** Owner's thread only. */
    private Stamp stamp;
    private boolean unreadable;
    private List<String> problems = List.of();

    private record Stamp(FileTime modified, long size, Object fileKey) {
    }

    public AllowListFile(Path path) {
        this.path = Objects.requireNonNull(path, "path");
    }

    public Path path() {
        return path;
    }

    /** The last good list; empty until the first successful {@link #reload()}. */
    public AllowList current() {
        return current;
    }

    /** The bad lines of the last read, as logged; for tests and the status page. */
    public synchronized List<String> problems() {
        return problems;
    }

    /**
     * Reads the file if it changed since the last read. Never throws: a failure is logged (once until the file is
     * readable again) and the last good list stays. Serialised: the owner's poll and a manual reload may overlap.
     *
     * @return whether a new list was published
     */
    public synchronized boolean reload() {
        Stamp now;
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            now = new Stamp(a.lastModifiedTime(), a.size(), a.fileKey());
        } catch (IOException e) {
            return failed(e);
        }
        if (now.equals(stamp)) {
            return false;
        }
        AllowList.Parsed parsed;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(path),
                StandardCharsets.UTF_8))) {
            parsed = AllowList.parse(path.toString(), in);
        } catch (IOException | RuntimeException e) {
            return failed(e);
        }
        stamp = now;
        unreadable = false;
        problems = parsed.problems();
        problems.stream().limit(MAX_LOGGED_PROBLEMS).forEach(p -> log.warn("rsp.acme: allow-list {}; line skipped", p));
        if (problems.size() > MAX_LOGGED_PROBLEMS) {
            log.warn("rsp.acme: allow-list {}: {} more bad lines skipped", path, problems.size() - MAX_LOGGED_PROBLEMS);
        }
        current = parsed.list();
        log.info("rsp.acme: allow-list {}: {} names and wildcards", path, parsed.list().size());
        return true;
    }

    private boolean failed(Exception e) {
        stamp = null;
        if (!unreadable) {
            unreadable = true;
            log.warn("rsp.acme: allow-list {} cannot be read ({}); keeping the last good list of {} names and wildcards",
                    path, e instanceof java.nio.file.NoSuchFileException ? "no such file" : String.valueOf(e),
                    current.size());
        }
        return false;
    }
}
