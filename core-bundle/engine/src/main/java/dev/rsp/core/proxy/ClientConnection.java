package dev.rsp.core.proxy;

import dev.rsp.core.net.LoopHandler;

/**
 * A client connection as its loop keeps track of it ({@link LoopContext#clients}): whatever stage or protocol it is
 * in now (the TLS listener's ClientHello stage, HTTP/1, a passthrough relay), it can be drained and closed. A
 * connection that hands over to its next stage replaces itself in that set. Loop thread only.
 */
interface ClientConnection extends LoopHandler {

    /** Stops taking requests: closes now when idle, else after the exchange in progress. */
    void drain();

    /** Closes now, abandoning what is in progress. Idempotent. */
    void close();
}
