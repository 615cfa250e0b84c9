package dev.rsp.core.proxy;

import dev.rsp.core.net.Endpoint;
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

    /** Starts the answer for {@code status}: {@code body} as its text, or null for the status's reason only. */
    void start(int status, String body) {
        ByteBuffer page = engine.errorPages().page(status);
        if (page == null) {
            if (text == null) {
                text = ctx.loop.buffers().acquire();
            }
            Replies.write(text, status, body == null ? Replies.reason(status) : body);
            page = text;
        }
        pipe.start(null, client, page, Pipe.Framing.NONE, 0);
    }

    /** Writes what the client takes now. */
    Pipe.Progress pump() {
        return pipe.pump();
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
