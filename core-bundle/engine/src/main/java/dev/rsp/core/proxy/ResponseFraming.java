package dev.rsp.core.proxy;

import dev.rsp.core.http.HttpHead;
import dev.rsp.core.http.ResponseHeadParser;

/**
 * How a final response's body ends (RFC 9112 section 6.3): no body after HEAD, 1xx, 204, 304 or a 101 that starts a
 * tunnel; else chunked, else Content-Length, else until the backend closes.
 *
 * @param framing how the body is framed
 * @param length  the body length for {@link Pipe.Framing#LENGTH}, else 0
 */
record ResponseFraming(Pipe.Framing framing, long length) {

    static ResponseFraming of(String requestMethod, HttpHead response, boolean upgraded) {
        if (upgraded || !ResponseHeadParser.hasBody(requestMethod, response.status())) {
            return new ResponseFraming(Pipe.Framing.NONE, 0);
        }
        if (response.chunked()) {
            return new ResponseFraming(Pipe.Framing.CHUNKED, 0);
        }
        if (response.contentLength() >= 0) {
            return new ResponseFraming(Pipe.Framing.LENGTH, response.contentLength());
        }
        return new ResponseFraming(Pipe.Framing.UNTIL_CLOSE, 0);
    }
}
