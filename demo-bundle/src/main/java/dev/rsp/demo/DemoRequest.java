package dev.rsp.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/** The little the demo server needs of a request: method, target, Host, keep-alive; the body is read and dropped. */
record DemoRequest(String method, String target, String host, boolean keepAlive) {

    static final class BadRequest extends Exception {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Reads one request from {@code in}, including its body.
     *
     * @return the request, or empty when the connection closed cleanly before a new request began
     */
    static Optional<DemoRequest> read(InputStream in, int maxHead) throws IOException, BadRequest {
        String requestLine;
        do {
            requestLine = line(in, maxHead, true);
            if (requestLine == null) {
                return Optional.empty();
            }
        } while (requestLine.isEmpty());
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
            throw new BadRequest("malformed request line");
        }
        boolean http10 = parts[2].equals("HTTP/1.0");
        String host = "";
        long contentLength = 0;
        boolean chunked = false;
        boolean close = http10;
        int used = requestLine.length();
        for (String h = line(in, maxHead, false); !h.isEmpty(); h = line(in, maxHead, false)) {
            used += h.length() + 2;
            if (used > maxHead) {
                throw new BadRequest("header block too large");
            }
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new BadRequest("malformed header line");
            }
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            switch (name) {
                case "host" -> host = value;
                case "content-length" -> {
                    try {
                        contentLength = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new BadRequest("bad Content-Length");
                    }
                }
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> {
                    String v = value.toLowerCase(Locale.ROOT);
                    if (v.contains("close")) {
                        close = true;
                    } else if (v.contains("keep-alive")) {
                        close = false;
                    }
                }
                default -> { }
            }
        }
        if (chunked) {
            skipChunked(in, maxHead);
        } else {
            skip(in, contentLength);
        }
        return Optional.of(new DemoRequest(parts[0], parts[1], host, !close));
    }

    private static void skipChunked(InputStream in, int maxHead) throws IOException, BadRequest {
        while (true) {
            String sizeLine = line(in, maxHead, false);
            int semi = sizeLine.indexOf(';');
            long size;
            try {
                size = Long.parseLong((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
            } catch (NumberFormatException e) {
                throw new BadRequest("bad chunk size");
            }
            if (size == 0) {
                while (!line(in, maxHead, false).isEmpty()) {
                    // trailers are dropped
                }
                return;
            }
            skip(in, size);
            if (!line(in, maxHead, false).isEmpty()) {
                throw new BadRequest("chunk not followed by CRLF");
            }
        }
    }

    private static void skip(InputStream in, long n) throws IOException {
        while (n > 0) {
            long k = in.skip(n);
            if (k <= 0) {
                if (in.read() < 0) {
                    throw new IOException("body ended early");
                }
                k = 1;
            }
            n -= k;
        }
    }

    /** Reads a CRLF- or LF-terminated line; at end of stream returns null if allowed and nothing was read. */
    private static String line(InputStream in, int max, boolean eofAllowed) throws IOException, BadRequest {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        while (true) {
            int c = in.read();
            if (c < 0) {
                if (eofAllowed && b.size() == 0) {
                    return null;
                }
                throw new IOException("connection closed mid-request");
            }
            if (c == '\n') {
                break;
            }
            if (b.size() >= max) {
                throw new BadRequest("line too long");
            }
            b.write(c);
        }
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
