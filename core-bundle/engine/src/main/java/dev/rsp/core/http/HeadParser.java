package dev.rsp.core.http;

import java.nio.ByteBuffer;

/** What the request and the response head parsers have in common; one instance per connection, one thread. */
public interface HeadParser {

    /** Parses the head that starts at {@code buf.position()}, resuming where the last call stopped. */
    ParseStatus parse(ByteBuffer buf);

    /** The parsed head, after {@link ParseStatus#DONE}. */
    HttpHead head();

    /** Why the input was refused, after {@link ParseStatus#REJECT}. */
    Rejection rejection();

    /** Forgets the current head; the next parse starts afresh at the buffer's position. */
    void reset();
}
