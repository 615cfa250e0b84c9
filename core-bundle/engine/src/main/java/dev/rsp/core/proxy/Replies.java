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

    /** {@code "\r\nRetry-After: N"} for a status that carries it (503), else "": goes before a head's next line. */
    static String retryAfterLine(int status) {
        return status == 503 ? "\r\nRetry-After: " + RETRY_AFTER_SECONDS : "";
    }

    static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 408 -> "Request Timeout";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 417 -> "Expectation Failed";
            case 421 -> "Misdirected Request";
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
                + "Connection: close\r\n\r\n";
        out.put(head.getBytes(StandardCharsets.ISO_8859_1));
        out.put(answer.body());
        out.flip();
    }

    /** Writes the reply into {@code out} (cleared first, flipped after); messages are cut at 200 characters. */
    static void write(ByteBuffer out, int status, String message) {
        out.clear();
        String text = message.length() > 200 ? message.substring(0, 200) : message;
        byte[] body = ("rsp: " + text + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length + retryAfterLine(status) + "\r\n"
                + "Connection: close\r\n\r\n";
        out.put(head.getBytes(StandardCharsets.ISO_8859_1));
        out.put(body);
        out.flip();
    }
}
