package dev.rsp.core.http;

/**
 * Bounds on a message head, applied while parsing.
 *
 * @param maxRequestLine  longest request line (or status line) in bytes, CRLF excluded; over it: 414 (request) or reject
 * @param maxHeadBytes    longest head in bytes including the request line and the final CRLF CRLF; over it: 431
 * @param maxHeaders      most header fields; over it: 431
 */
public record HeadLimits(int maxRequestLine, int maxHeadBytes, int maxHeaders) {
    public static final HeadLimits DEFAULT = new HeadLimits(8 * 1024, 32 * 1024, 100);
}
