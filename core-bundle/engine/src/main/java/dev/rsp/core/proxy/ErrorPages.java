package dev.rsp.core.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The operator's own pages for the answers rsp gives itself ({@code errors.dir}): a file {@code <status>.html},
 * {@code <status>.json} or {@code <status>.txt} (in that order of preference) is served as it is, with the content
 * type of its extension, instead of rsp's one-line text. Each page is rendered once, head and body, into a read-only
 * buffer; a reply sends a duplicate of it, so serving a page costs no copy and no file access on the loop.
 *
 * <p>Immutable; {@link Watcher} loads a new set off the loops when the directory changes.
 */
final class ErrorPages {

    static final ErrorPages NONE = new ErrorPages(Map.of(), "");

    private static final List<String[]> TYPES = List.of(
            new String[] {".html", "text/html; charset=utf-8"},
            new String[] {".json", "application/json"},
            new String[] {".txt", "text/plain; charset=utf-8"});

    private final Map<Integer, ByteBuffer> pages;
    /** What the directory looked like when loaded (names, sizes, times): a reload is skipped while it is the same. */
    private final String signature;

    private ErrorPages(Map<Integer, ByteBuffer> pages, String signature) {
        this.pages = pages;
        this.signature = signature;
    }

    /** The whole reply for {@code status} (a fresh view, position 0), or null when there is no page for it. */
    ByteBuffer page(int status) {
        ByteBuffer p = pages.get(status);
        return p == null ? null : p.duplicate();
    }

    int size() {
        return pages.size();
    }

    /** {@code errors.dir} resolved against rsp's home ({@code rsp.home}, else the working directory); null for "". */
    static Path directory(String configured) {
        if (configured.isEmpty()) {
            return null;
        }
        return Path.of(System.getProperty("rsp.home", ".")).resolve(configured).normalize();
    }

    /**
     * Loads the pages of {@code dir}. A page over {@code maxBytes} or unreadable is left out with one ERROR line; a
     * missing directory means no pages. Blocking file I/O: never on a loop.
     */
    static ErrorPages load(Path dir, int maxBytes) {
        if (dir == null || !Files.isDirectory(dir)) {
            return NONE;
        }
        Map<Integer, ByteBuffer> pages = new HashMap<>();
        for (int status = 400; status <= 599; status++) {
            for (String[] type : TYPES) {
                Path file = dir.resolve(status + type[0]);
                if (!Files.isRegularFile(file)) {
                    continue;
                }
                try {
                    long size = Files.size(file);
                    if (size > maxBytes) {
                        ProxyEngine.log.error("error page {} has {} bytes, more than errors.max.bytes = {}; not served",
                                file, size, maxBytes);
                        break;
                    }
                    pages.put(status, render(status, type[1], Files.readAllBytes(file)));
                } catch (IOException e) {
                    ProxyEngine.log.error("error page {} cannot be read ({}); not served", file, e.toString());
                }
                break;
            }
        }
        return new ErrorPages(Map.copyOf(pages), signature(dir));
    }

    /** The Content-Type of a page made by {@link #render} (for a client that gets the body in its own framing). */
    static String contentType(ByteBuffer page) {
        String head = StandardCharsets.ISO_8859_1.decode(page.duplicate().limit(page.position() + headLength(page))).toString();
        int at = head.indexOf("\r\nContent-Type: ") + 16;
        return head.substring(at, head.indexOf('\r', at));
    }

    /** The body of a page made by {@link #render}: a read-only view. */
    static ByteBuffer body(ByteBuffer page) {
        ByteBuffer b = page.duplicate();
        b.position(page.position() + headLength(page));
        return b.slice();
    }

    private static int headLength(ByteBuffer page) {
        for (int i = page.position(); i + 3 < page.limit(); i++) {
            if (page.get(i) == '\r' && page.get(i + 1) == '\n' && page.get(i + 2) == '\r' && page.get(i + 3) == '\n') {
                return i + 4 - page.position();
            }
        }
        return page.remaining();
    }

    static ByteBuffer render(int status, String contentType, byte[] body) {
        byte[] head = ("HTTP/1.1 " + status + " " + Replies.reason(status) + "\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + body.length + Replies.retryAfterLine(status) + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(head.length + body.length).put(head).put(body);
        return b.flip().asReadOnlyBuffer();
    }

    private static String signature(Path dir) {
        StringBuilder sb = new StringBuilder();
        try (var files = Files.list(dir)) {
            files.sorted().forEach(f -> {
                try {
                    FileTime t = Files.getLastModifiedTime(f);
                    sb.append(f.getFileName()).append(' ').append(Files.size(f)).append(' ').append(t.toMillis()).append('\n');
                } catch (IOException e) {
                    sb.append(f.getFileName()).append(" ?\n");
                }
            });
        } catch (IOException e) {
            return "";
        }
        return sb.toString();
    }

    /**
     * Keeps the engine's pages current: loads them at once, then looks at the directory every {@code pollMillis} and
     * reloads when a file was added, removed or changed, on a daemon thread of its own.
     */
    static final class Watcher implements AutoCloseable {
        private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rsp-error-pages");
            t.setDaemon(true);
            return t;
        });
        private volatile ErrorPages current = NONE;
        private volatile Path loadedFrom;
        private volatile int loadedMax = -1;

        Watcher(Supplier<ProxySettings> settings, long pollMillis) {
            thread.scheduleWithFixedDelay(() -> refresh(settings.get()), 0, pollMillis, TimeUnit.MILLISECONDS);
        }

        ErrorPages current() {
            return current;
        }

        private void refresh(ProxySettings s) {
            try {
                Path dir = directory(s.errorsDir());
                boolean moved = !Objects.equals(dir, loadedFrom) || s.errorsMaxBytes() != loadedMax;
                if (!moved && (dir == null || !Files.isDirectory(dir)
                        ? current == NONE : signature(dir).equals(current.signature))) {
                    return;
                }
                current = load(dir, s.errorsMaxBytes());
                loadedFrom = dir;
                loadedMax = s.errorsMaxBytes();
                if (current.size() > 0) {
                    ProxyEngine.log.info("error pages: {} from {}", current.size(), dir);
                }
            } catch (RuntimeException e) {
                ProxyEngine.log.error("error pages: {}", e.toString());
            }
        }

        @Override
        public void close() {
            thread.shutdownNow();
        }
    }
}
