package dev.rsp.tls.hello;

/**
 * Why the first bytes of a connection are not an acceptable ClientHello. The caller closes the connection and
 * increments {@link Reason#counter()}; for {@link Reason#PLAIN_HTTP} it first answers 400 saying to use https.
 *
 * @param reason what went wrong
 * @param detail a short, log-safe explanation (never contains the peer's bytes)
 */
public record Rejection(Reason reason, String detail) {

    /** The kinds of rejection, each with the counter it increments. */
    public enum Reason {
        /** The first byte is not a TLS handshake record and the bytes are not an HTTP request line either. */
        NOT_TLS("tls.reject.not_tls"),
        /** The bytes start like an HTTP/1.x request line: plain HTTP sent to a TLS port. */
        PLAIN_HTTP("tls.reject.plain_http"),
        /** The ClientHello (or a record header) declares more bytes than the inspection cap allows. */
        TOO_LARGE("tls.reject.too_large"),
        /** A record header is malformed: wrong content type, version or length. */
        BAD_RECORD("tls.reject.bad_record"),
        /** The handshake message is not a well-formed ClientHello. */
        BAD_HANDSHAKE("tls.reject.bad_handshake"),
        /** An extension this inspector reads (server_name, ALPN, supported_versions) is malformed. */
        BAD_EXTENSION("tls.reject.bad_extension"),
        /** The same extension type appears twice (forbidden by RFC 8446 4.2). */
        DUPLICATE_EXTENSION("tls.reject.duplicate_extension"),
        /**
         * Not produced by the parser, which has no clock: the caller's verdict when the ClientHello is not complete
         * within its timeout ({@link ClientHelloParser#DEFAULT_TIMEOUT}).
         */
        TIMEOUT("tls.reject.timeout");

        private final String counter;

        Reason(String counter) {
            this.counter = counter;
        }

        /** The name of the counter this rejection increments, e.g. {@code tls.reject.not_tls}. */
        public String counter() {
            return counter;
        }
    }
}
