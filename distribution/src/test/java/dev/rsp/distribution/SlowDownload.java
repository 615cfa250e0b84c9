package dev.rsp.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A client reading {@code GET /big} from {@link BigBodyBackend} through the proxy at a fixed pace (a slow client),
 * checking every body byte. {@link #result} completes with what it saw once the body is complete or the connection
 * ends.
 */
final class SlowDownload {

    /** What the client saw: body bytes received in order and correct, whether that was all, and how it ended. */
    record Outcome(long received, boolean complete, String end) {
    }

    final CompletableFuture<Outcome> result = new CompletableFuture<>();
    private final AtomicLong received = new AtomicLong();

    SlowDownload(int proxyPort, long bytesPerSecond) {
        Thread t = new Thread(() -> result.complete(run(proxyPort, bytesPerSecond)), "slow-download");
        t.setDaemon(true);
        t.start();
    }

    long received() {
        return received.get();
    }

    private Outcome run(int port, long bytesPerSecond) {
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(64 * 1024);
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(60_000);
            s.getOutputStream().write("GET /big HTTP/1.1\r\nHost: big.example.com\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            String head = readHead(in);
            if (!head.startsWith("HTTP/1.1 200 ")) {
                return new Outcome(0, false, "status: " + head);
            }
            long length = Long.parseLong(head.replaceAll("(?is).*\r\ncontent-length: *(\\d+)\r\n.*", "$1"));
            long start = System.nanoTime();
            byte[] buf = new byte[16 * 1024];
            long at = 0;
            while (at < length) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, length - at));
                if (n < 0) {
                    return new Outcome(at, false, "closed after " + at + " of " + length + " bytes");
                }
                for (int i = 0; i < n; i++) {
                    if ((buf[i] & 0xff) != BigBodyBackend.byteAt(at + i)) {
                        return new Outcome(at + i, false, "wrong byte at " + (at + i));
                    }
                }
                at += n;
                received.set(at);
                long due = start + TimeUnit.SECONDS.toNanos(1) * at / bytesPerSecond;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait); // the client's pace, not a synchronisation
                }
            }
            return new Outcome(at, true, "complete");
        } catch (IOException e) {
            return new Outcome(received.get(), false, e.toString());
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
