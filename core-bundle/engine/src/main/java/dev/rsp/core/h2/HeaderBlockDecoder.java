package dev.rsp.core.h2;

import java.nio.ByteBuffer;

/**
 * Decodes a complete field block (HPACK, RFC 7541) for an {@link H2Session}. The session calls it for every block the
 * client sends, in order, including blocks of streams it refuses or ignores, so that the dynamic table stays in step
 * with the client's (RFC 9113 §4.3). Implemented by the connection glue around the HPACK decoder; the decoded fields
 * stay with the implementation, and the glue takes them in the {@link H2SessionListener} callback that follows a
 * {@code DECODED} of a kept block ({@code onRequestHead}, {@code onTrailers}). Loop thread only.
 */
public interface HeaderBlockDecoder {

    enum Outcome {
        /** Decoded; for a kept block the fields are ready for the listener. */
        DECODED,
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
