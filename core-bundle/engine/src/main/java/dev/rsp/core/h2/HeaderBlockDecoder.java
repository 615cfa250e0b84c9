package dev.rsp.core.h2;

import java.nio.ByteBuffer;

/**
 * Decodes a complete field block (HPACK, RFC 7541) for an {@link H2Session} or an {@link H2ClientSession}. The session
 * calls it for every block the peer sends, in order, including blocks of streams it refuses, reset or ignores, so that
 * the dynamic table stays in step with the peer's (RFC 9113 §4.3). Implemented by the connection glue around the HPACK
 * decoder; the decoded fields stay with the implementation, and the glue takes them in the listener callback that
 * follows a {@code DECODED} (or {@code INFORMATIONAL}) of a kept block ({@code onRequestHead}, {@code onResponseHead},
 * {@code onTrailers}).
 *
 * <p>The sessions do not look at fields: checking them (RFC 9113 §8.1.1, §8.3) is the implementation's and the glue's
 * work. On the client side that is: {@code :status} present once, first, three digits; no request pseudo-header (and
 * none in trailers); 101 is not allowed in HTTP/2 (§8.6); a malformed response makes the glue reset the stream with
 * PROTOCOL_ERROR. The client session needs one fact from the decoder, whether a response head is informational (1xx):
 * {@link Outcome#INFORMATIONAL}. Loop thread only.
 */
public interface HeaderBlockDecoder {

    enum Outcome {
        /** Decoded; for a kept block the fields are ready for the listener. */
        DECODED,
        /**
         * Decoded, and the block is an informational response head ({@code :status} 1xx): the client side needs to
         * know, since a final head (DECODED) still has to follow. Only a response decoder answers it (the fields are
         * ready as for DECODED); on the server side it is taken as DECODED.
         */
        INFORMATIONAL,
        /**
         * Decoded to the end (the table is in step) but the field list is over the decoder's limit: the request is
         * answered 431, the connection goes on.
         */
        TOO_LARGE,
        /** Not decodable (an HPACK error, or a bomb stopped midway): the table is lost, a COMPRESSION_ERROR. */
        COMPRESSION_ERROR
    }

    /**
     * @param block the whole block, position to limit; valid only during the call
     * @param keep  false when the fields are not wanted (a refused or ignored stream): only the table changes count
     */
    Outcome decode(ByteBuffer block, boolean keep);
}
