package dev.rsp.core.http;

/** What a parser says after it has been fed the bytes available so far. */
public enum ParseStatus {
    /** The input so far is a valid prefix; call again when more bytes have arrived. */
    NEED_MORE,
    /** A complete element was parsed; its result is available from the parser. */
    DONE,
    /** The input is invalid or over a limit; the parser's {@code rejection()} says why. */
    REJECT
}
