package dev.rsp.core.proxy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The short answers rsp gives itself: a status, a one-line plain-text body, and {@code Connection: close}. */
final class Replies {

    private Replies() {
    }

    static String reason(int status) {
        return switch (status) {
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
                + "Connection: close\r\n\r\n";
        out.put(head.getBytes(StandardCharsets.ISO_8859_1));
        out.put(answer.body());
        out.flip();
    }

    /**
     * Writes the reply into {@code out} (cleared first, flipped after); messages are cut at 200 characters;
     * {@code retryAfter} > 0 adds {@code Retry-After} in seconds.
     */
    static void write(ByteBuffer out, int status, String message, int retryAfter) {
        out.clear();
        String text = message.length() > 200 ? message.substring(0, 200) : message;
        byte[] body = ("rsp: " + text + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + (retryAfter > 0 ? "Retry-After: " + retryAfter + "\r\n" : "")
                + "Connection: close\r\n\r\n";
        out.put(head.getBytes(StandardCharsets.ISO_8859_1));
        out.put(body);
        out.flip();
    }
}
