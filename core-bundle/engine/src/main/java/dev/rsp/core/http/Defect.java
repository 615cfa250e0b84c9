package dev.rsp.core.http;

/**
 * Every way the parsers refuse input, each with the status a client is answered with, a short reason and a
 * snake_case name. A defect becomes a {@link Rejection} counted as {@code reject.<name>} when the bytes came from
 * a client, or as {@code backend.<name>} with status 502 when they came from a backend. The rejections are built
 * once, so refusing allocates nothing.
 */
enum Defect {
    NOT_HTTP(400, "not an HTTP request"),
    TOO_MANY_EMPTY_LINES(400, "too many empty lines before the request line"),
    BAD_METHOD(400, "invalid method"),
    BAD_REQUEST_LINE(400, "malformed request line"),
    MISSING_VERSION(400, "request line without HTTP version"),
    BAD_TARGET(400, "invalid request-target"),
    CONNECT_UNSUPPORTED(501, "CONNECT and authority-form are not supported"),
    URI_TOO_LONG(414, "request line too long"),
    BAD_VERSION(400, "malformed HTTP version"),
    VERSION_NOT_SUPPORTED(505, "HTTP version not supported"),
    STATUS_LINE_TOO_LONG(502, "status line too long"),
    BAD_STATUS_LINE(502, "malformed status line"),
    BAD_STATUS(502, "status code out of range"),
    BARE_LF(400, "bare LF"),
    BARE_CR(400, "bare CR"),
    OBS_FOLD(400, "obsolete line folding"),
    EMPTY_FIELD_NAME(400, "empty field name"),
    BAD_FIELD_NAME(400, "invalid byte in field name"),
    SPACE_BEFORE_COLON(400, "whitespace between field name and colon"),
    MISSING_COLON(400, "field line without colon"),
    BAD_FIELD_VALUE(400, "invalid byte in field value"),
    TOO_MANY_HEADERS(431, "too many header fields"),
    HEAD_TOO_LARGE(431, "header section too large"),
    MISSING_HOST(400, "missing Host"),
    DUPLICATE_HOST(400, "more than one Host"),
    EMPTY_HOST(400, "empty Host"),
    BAD_HOST(400, "invalid Host"),
    BAD_CONTENT_LENGTH(400, "invalid Content-Length"),
    CONFLICTING_CONTENT_LENGTH(400, "conflicting Content-Length values"),
    TE_IN_HTTP10(400, "Transfer-Encoding in an HTTP/1.0 message"),
    UNSUPPORTED_TRANSFER_ENCODING(501, "unsupported transfer coding"),
    CHUNKED_TWICE(400, "chunked applied more than once"),
    BAD_TRANSFER_ENCODING(400, "invalid Transfer-Encoding"),
    CL_AND_TE(400, "both Content-Length and Transfer-Encoding"),
    BAD_CONNECTION(400, "invalid Connection option"),
    EXPECTATION_FAILED(417, "unsupported expectation"),
    BAD_CHUNK_SIZE(400, "invalid chunk size line"),
    BAD_CHUNK_EXT(400, "invalid chunk extension"),
    CHUNK_EXT_TOO_LONG(400, "chunk size line too long"),
    BAD_CHUNK(400, "chunk data not followed by CRLF"),
    TRAILERS_TOO_LARGE(400, "trailer section too large");

    /** Returned by {@code rejection()} before anything was rejected, so that it never returns null. */
    static final Rejection NOT_REJECTED = new Rejection(0, "not rejected", "");

    private final Rejection fromClient;
    private final Rejection fromBackend;

    Defect(int status, String reason) {
        String name = name().toLowerCase(java.util.Locale.ROOT);
        this.fromClient = new Rejection(status, reason, "reject." + name);
        this.fromBackend = new Rejection(502, reason, "backend." + name);
    }

    /** The refusal of a request (or of a request body), answered to the client. */
    Rejection fromClient() {
        return fromClient;
    }

    /** The refusal of a response (or of a response body) a backend sent: always 502 to the client. */
    Rejection fromBackend() {
        return fromBackend;
    }
}
