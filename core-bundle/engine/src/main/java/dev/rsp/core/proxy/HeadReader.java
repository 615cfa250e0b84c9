package dev.rsp.core.proxy;

import dev.rsp.core.http.HeadParser;
import dev.rsp.core.http.ParseStatus;
import dev.rsp.core.net.MessageChannel;
import java.io.IOException;

/**
 * Reads one message head from an endpoint into its parser: parse what is buffered, make room when the head does
 * not start at the buffer's beginning, read more, until the head is done, refused, or the socket has nothing more
 * for now. Both sides of an exchange use it (the client's request head, the backend's response head); what each
 * outcome means is theirs to decide. Loop thread only.
 */
final class HeadReader {

    enum Outcome {
        /** The head is parsed: {@code parser.head()}. */
        DONE,
        /** The parser refused the input: {@code parser.rejection()}. */
        REJECT,
        /** The head does not fit an input buffer. */
        TOO_LARGE,
        /** The socket has nothing more now; read interest is on. */
        WAITING,
        /** The peer closed its side before the head was complete (or before it began). */
        CLOSED,
        /** Reading failed: {@link #failure()}. */
        FAILED
    }

    private IOException failure;

    Outcome read(MessageChannel ep, HeadParser parser) {
        while (true) {
            if (ep.hasInput()) {
                ParseStatus s = parser.parse(ep.input());
                if (s == ParseStatus.DONE) {
                    return Outcome.DONE;
                }
                if (s == ParseStatus.REJECT) {
                    return Outcome.REJECT;
                }
                if (ep.inputFull()) {
                    if (ep.input().position() == 0) {
                        return Outcome.TOO_LARGE;
                    }
                    // The head began mid-buffer: move it to the start and parse it again from there.
                    ep.compactInput();
                    parser.reset();
                    continue;
                }
            }
            int n;
            try {
                n = ep.read();
            } catch (IOException e) {
                failure = e;
                return Outcome.FAILED;
            }
            if (n == 0) {
                ep.wantRead(true);
                return Outcome.WAITING;
            }
            if (n < 0) {
                return Outcome.CLOSED;
            }
        }
    }

    /** The error behind {@link Outcome#FAILED}. */
    IOException failure() {
        return failure;
    }
}
