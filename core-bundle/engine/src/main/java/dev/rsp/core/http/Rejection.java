package dev.rsp.core.http;

/**
 * Why input was refused: the status to answer with (4xx/5xx), a short reason for the body and the log, and the
 * name of the counter that records this outcome.
 *
 * @param status  HTTP status to answer, e.g. 400, 414, 431, 501, 505
 * @param reason  short human text, e.g. "both Content-Length and Transfer-Encoding"
 * @param counter stable counter name, e.g. "reject.cl_and_te"
 */
public record Rejection(int status, String reason, String counter) {
}
