package dev.rsp.core.backend;

import dev.rsp.core.proxyprotocol.ProxyHeaderWriter;
import dev.rsp.spi.routing.Backend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * One active check of one backend, blocking, on a thread of the check's pool (never a loop): connect to the backend's
 * resolved address, the TLS handshake for a backend marked {@code ;tls} (same trust as traffic, through
 * {@link CheckTls}), then for an HTTP check one HTTP/1.1 request with {@code Connection: close} and the status of its
 * answer. Only the first {@value #STATUS_BYTES} bytes of the answer are read ({@code HTTP/1.1 200}): the rest is never
 * looked at, so a check reads a bounded number of bytes whatever the backend sends.
 *
 * <p>Time: every blocking step waits at most until the check's deadline; {@link #abort}, called by the check's timer
 * at the deadline, closes the socket, which ends a step that would wait longer (a TLS handshake of many slow
 * records). A backend marked {@code ;proto=h2} gets the connect (and TLS) check only: this probe speaks HTTP/1.1.
 */
final class CheckProbe {

    /** {@code HTTP/1.1 200}: the protocol, a space and the status. */
    static final int STATUS_BYTES = 12;

    /** The outcome of a check: passed, or the reason it failed, in words for the log and the status page. */
    record Outcome(boolean passed, String reason) {
    }

    private final Backend backend;
    private final InetSocketAddress address;
    private final HealthSettings.Check check;
    private final long timeoutNanos;
    private final CheckTls tls;
    private volatile Socket socket;
    private volatile boolean aborted;

    CheckProbe(Backend backend, InetSocketAddress address, HealthSettings.Check check, long timeoutNanos, CheckTls tls) {
        this.backend = backend;
        this.address = address;
        this.check = check;
        this.timeoutNanos = timeoutNanos;
        this.tls = tls;
    }

    Backend backend() {
        return backend;
    }

    InetSocketAddress address() {
        return address;
    }

    /** What the check is called in log lines. */
    String what() {
        return http() ? check.describe() : "health check (TCP" + (backend.tls() == Backend.Tls.NONE ? "" : " and TLS") + ")";
    }

    private boolean http() {
        return check.http() && backend.protocol() == Backend.Protocol.HTTP1;
    }

    /** Runs the check on the calling thread (blocks up to the timeout). */
    Outcome run() {
        long deadline = System.nanoTime() + timeoutNanos;
        if (address.isUnresolved()) {
            return failed(": host name " + backend.host() + " not resolved");
        }
        try (Socket plain = new Socket()) {
            socket = plain;
            if (aborted) {
                return timedOut();
            }
            plain.connect(address, millisLeft(deadline));
            if (backend.sendProxy() != Backend.SendProxy.NONE) {
                // A backend that expects a PROXY header on every connection gets one naming no client (the spec's
                // LOCAL), so that the check is not mistaken for a client of rsp's own address.
                plain.getOutputStream().write(ProxyHeaderWriter.local(backend.sendProxy() == Backend.SendProxy.V1 ? 1 : 2));
            }
            Socket s = plain;
            if (backend.tls() != Backend.Tls.NONE) {
                s = tls.wrap(plain, backend, http() ? "http/1.1" : backend.protocol() == Backend.Protocol.H2 ? "h2" : "http/1.1");
                s.setSoTimeout(millisLeft(deadline));
                ((javax.net.ssl.SSLSocket) s).startHandshake();
            }
            if (!http()) {
                return new Outcome(true, "");
            }
            return exchange(s, deadline);
        } catch (SocketTimeoutException e) {
            return timedOut();
        } catch (IOException | RuntimeException e) {
            return aborted ? timedOut() : failed(": " + reason(e));
        } finally {
            socket = null;
        }
    }

    private Outcome exchange(Socket s, long deadline) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(request().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        InputStream in = s.getInputStream();
        byte[] head = new byte[STATUS_BYTES];
        int n = 0;
        while (n < STATUS_BYTES) {
            s.setSoTimeout(millisLeft(deadline));
            int r = in.read(head, n, STATUS_BYTES - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        int status = status(head, n);
        if (status < 0) {
            return failed(n == 0 ? ": closed without answering" : ": not an HTTP response ("
                    + printable(head, n) + ")");
        }
        return check.passes(status) ? new Outcome(true, "")
                : new Outcome(false, what() + " answered " + status);
    }

    /** The request, its Host the configured one or the backend's own (its port unless the scheme's default). */
    String request() {
        String host = check.host();
        if (host.isEmpty()) {
            String h = backend.host().indexOf(':') >= 0 ? "[" + backend.host() + "]" : backend.host();
            int standard = backend.tls() == Backend.Tls.NONE ? 80 : 443;
            host = backend.port() == standard ? h : h + ":" + backend.port();
        }
        return check.method() + " " + check.path() + " HTTP/1.1\r\nHost: " + host
                + "\r\nConnection: close\r\nUser-Agent: rsp-health-check\r\nAccept: */*\r\n\r\n";
    }

    /** The status of {@code HTTP/1.x NNN}, or -1 when the bytes are not that. */
    static int status(byte[] b, int n) {
        if (n < STATUS_BYTES || !new String(b, 0, 7, StandardCharsets.ISO_8859_1).equals("HTTP/1.") || !digit(b[7])
                || b[8] != ' ' || !digit(b[9]) || !digit(b[10]) || !digit(b[11])) {
            return -1;
        }
        return (b[9] - '0') * 100 + (b[10] - '0') * 10 + (b[11] - '0');
    }

    private static boolean digit(byte c) {
        return c >= '0' && c <= '9';
    }

    /**
     * Closes the TCP socket of a check in progress (never the TLS socket over it, whose close may wait for the
     * handshake's lock): its next or current step fails, reported as a timeout. Any thread.
     */
    void abort() {
        aborted = true;
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing is all that is wanted
            }
        }
    }

    private Outcome timedOut() {
        return new Outcome(false, what() + " timed out after " + BackendHealth.duration(timeoutNanos));
    }

    private Outcome failed(String detail) {
        return new Outcome(false, what() + detail);
    }

    private static int millisLeft(long deadline) throws SocketTimeoutException {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
            throw new SocketTimeoutException("deadline");
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    static String reason(Exception e) {
        if (e instanceof ConnectException && String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("refused")) {
            return "connection refused";
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof SSLException) {
            return "TLS handshake failed: " + m;
        }
        return m.toLowerCase(Locale.ROOT);
    }

    private static String printable(byte[] b, int n) {
        StringBuilder sb = new StringBuilder("'");
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xff;
            sb.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return sb.append('\'').toString();
    }
}
