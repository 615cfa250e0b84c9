package dev.rsp.core.proxy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The short answers rsp gives itself: a status, a one-line plain-text body, and {@code Connection: close}. A 503 says
 * when to come back ({@code Retry-After}, RFC 9110 10.2.3): whatever made rsp refuse (a backend at its maxconn, no
 * strategy, an overload) is expected to pass within seconds.
 */
final class Replies {

    /** The Retry-After of every 503 rsp answers itself, in seconds. */
    static final int RETRY_AFTER_SECONDS = 1;

    private Replies() {
    }

    /**
     * The Retry-After seconds of one of rsp's answers: {@code given} when above 0 (a rate limit knows when its bucket
     * refills), else {@link #RETRY_AFTER_SECONDS} for a 503, else 0 (none).
     */
    static long retryAfter(int status, long given) {
        return given > 0 ? given : status == 503 ? RETRY_AFTER_SECONDS : 0;
    }

    static String reason(int status) {
        return switch (status) {
            case 301 -> "Moved Permanently";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 408 -> "Request Timeout";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 417 -> "Expectation Failed";
            case 421 -> "Misdirected Request";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            default -> "Error";
        };
    }

    /** Writes {@code answer} into {@code out} (cleared first, flipped after); its body must fit the buffer. */
    static void write(ByteBuffer out, LocalAnswer answer) {
        out.clear();
        String head = "HTTP/1.1 " + answer.status() + " " + (answer.status() == 200 ? "OK" : reason(answer.status())) + "\r\n"
                + "Content-Type: " + answer.contentType() + "\r\n"
                + "Content-Length: " + answer.body().length + "\r\n"
                + (answer.location().isEmpty() ? "" : "Location: " + answer.location() + "\r\n")
                + "Connection: close\r\n\r\n";
        out.put(head.getBytes(StandardCharsets.ISO_8859_1));
        out.put(answer.body());
        out.flip();
    }

    /** Writes the reply into {@code out} (cleared first, flipped after); messages are cut at 200 characters. */
    static void write(ByteBuffer out, int status, String message) {
        write(out, status, message, 0);
    }

    /** {@link #write(ByteBuffer, int, String)} with {@code Retry-After} when {@code retryAfterSeconds > 0}. */
    static void write(ByteBuffer out, int status, String message, long retryAfterSeconds) {
        out.clear();
        String text = message.length() > 200 ? message.substring(0, 200) : message;
        byte[] body = ("rsp: " + text + "\n").getBytes(StandardCharsets.UTF_8);
        out.put(head(status, "text/plain; charset=utf-8", body.length, retryAfterSeconds));
        out.put(body);
        out.flip();
    }

    /**
     * Writes an operator's page ({@link ErrorPages}) with {@code Retry-After} into {@code out} (cleared first, flipped
     * after); false, with nothing written, when head and page do not fit {@code out}.
     */
    static boolean writePage(ByteBuffer out, int status, ByteBuffer page, long retryAfterSeconds) {
        ByteBuffer body = ErrorPages.body(page);
        byte[] head = head(status, ErrorPages.contentType(page), body.remaining(), retryAfterSeconds);
        out.clear();
        if (head.length + body.remaining() > out.capacity()) {
            return false;
        }
        out.put(head).put(body).flip();
        return true;
    }

    private static byte[] head(int status, String contentType, int length, long retryAfterSeconds) {
        return ("HTTP/1.1 " + status + " " + reason(status) + "\r\n"
                + "Content-Type: " + contentType + "\r\n"
                + "Content-Length: " + length + "\r\n"
                + (retryAfter(status, retryAfterSeconds) > 0 ? "Retry-After: " + retryAfter(status, retryAfterSeconds) + "\r\n" : "")
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }
}
