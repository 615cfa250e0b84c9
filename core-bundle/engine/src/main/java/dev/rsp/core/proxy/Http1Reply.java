package dev.rsp.core.proxy;

import dev.rsp.core.net.Endpoint;

/**
 * The mechanics of rsp's own reply on an {@link Http1Connection} and of the close after it: the {@link ReplyWriter}
 * (made on first use, released with the connection), flushing it, shutting the output once all is out (on TLS,
 * close_notify follows the last records), and the linger that drops what the client still sends so that the reply is
 * not reset away. The connection keeps its state and timers and decides when each step runs. Loop thread only (its
 * connection's).
 */
final class Http1Reply {

    private final ProxyEngine engine;
    private final LoopContext ctx;
    private final Endpoint client;
    private ReplyWriter writer;

    Http1Reply(ProxyEngine engine, LoopContext ctx, Endpoint client) {
        this.engine = engine;
        this.ctx = ctx;
        this.client = client;
    }

    /** The writer of rsp's own answer, or null when none is possible: no HTTP answer before the handshake completed. */
    ReplyWriter writer() {
        if (client.tlsHandshaking()) {
            return null;
        }
        if (writer == null) {
            writer = new ReplyWriter(engine, ctx, client);
        }
        return writer;
    }

    /** Writes what the socket takes of the reply {@link #writer()} started; once all is out, the output is shut. */
    Pipe.Progress flush() {
        Pipe.Progress p = writer.pump();
        if (p == Pipe.Progress.DONE) {
            client.shutdownOutput();
        }
        return p;
    }

    /**
     * After a complete response: when output still waits for the socket, shuts the output (close_notify after the last
     * records on TLS) and returns true: the connection lingers until it is gone. False: nothing waits, close now.
     */
    boolean shutWhenFlushed() {
        if (!client.hasPendingOutput()) {
            return false;
        }
        client.shutdownOutput();
        return true;
    }

    /** Drops what the client still sends (see {@link ReplyWriter#discardUntilClosed}); true once the client closed. */
    boolean lingerDone() {
        return ReplyWriter.discardUntilClosed(client);
    }

    /** Frees the writer's buffers; called when the connection closes. */
    void release() {
        if (writer != null) {
            writer.release();
            writer = null;
        }
    }
}
