package dev.rsp.core.proxy;

import dev.rsp.core.net.Endpoint;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Writes one of rsp's own answers to an HTTP/1 client: the operator's page for the status when there is one
 * ({@code errors.dir}), else a one-line text with {@code Connection: close}; with the same backpressure as any
 * response (a {@link Pipe} with no body). Loop thread only.
 *
 * <p>Buffer ownership: the writer owns its text buffer and its pipe until {@link #release}; a page is a shared
 * read-only buffer of which it sends a view.
 */
final class ReplyWriter {

    private final ProxyEngine engine;
    private final LoopContext ctx;
    private final Endpoint client;
    private final Pipe pipe;
    private ByteBuffer text;

    ReplyWriter(ProxyEngine engine, LoopContext ctx, Endpoint client) {
        this.engine = engine;
        this.ctx = ctx;
        this.client = client;
        this.pipe = ctx.takePipe(engine);
    }

    /**
     * Starts the answer for {@code status}: {@code body} as its text, or null for the status's reason only; with
     * {@code Retry-After} when {@code retryAfterSeconds > 0}, and 1 s for every 503 (see {@link Replies#retryAfter}; an
     * operator's page larger than a buffer goes without it).
     */
    void start(int status, String body, long retryAfterSeconds) {
        ByteBuffer page = engine.errorPages().page(status);
        if (page != null && Replies.retryAfter(status, retryAfterSeconds) > 0
                && Replies.writePage(text(), status, page, retryAfterSeconds)) {
            page = text;
        } else if (page == null) {
            Replies.write(text(), status, body == null ? Replies.reason(status) : body, retryAfterSeconds);
            page = text;
        }
        pipe.start(null, client, page, Pipe.Framing.NONE, 0);
    }

    private ByteBuffer text() {
        if (text == null) {
            text = ctx.loop.buffers().acquire();
        }
        return text;
    }

    /** Starts rsp's own content as the answer (no error page applies), with {@code Connection: close}. */
    void answer(LocalAnswer answer) {
        if (text == null) {
            text = ctx.loop.buffers().acquire();
        }
        Replies.write(text, answer);
        pipe.start(null, client, text, Pipe.Framing.NONE, 0);
    }

    /** Writes what the client takes now. */
    Pipe.Progress pump() {
        return pipe.pump();
    }

    /**
     * Reads and drops what the client still sends after rsp's answer, so that closing does not make the kernel reset
     * the answer away (a close with unread input sends RST). Reads at most a few windows per call.
     *
     * @return true when the client has closed its side (or the socket failed): the connection can close now
     */
    static boolean discardUntilClosed(Endpoint client) {
        for (int i = 0; i < 16; i++) {
            int n;
            try {
                if (client.hasInput()) {
                    client.input().position(client.input().limit());
                }
                n = client.read();
            } catch (IOException e) {
                return true;
            }
            if (n < 0) {
                return true;
            }
            if (n == 0) {
                client.wantRead(true);
                return false;
            }
        }
        return false;
    }

    void release() {
        pipe.abort();
        ctx.givePipe(pipe);
        if (text != null) {
            ctx.loop.buffers().release(text);
            text = null;
        }
    }
}
