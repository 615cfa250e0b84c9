package dev.rsp.core.proxy;

import dev.rsp.core.net.Endpoint;
import dev.rsp.core.proxyprotocol.ProxyHeaderWriter;
import dev.rsp.spi.routing.Backend;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Who a client connection is from and which of rsp's addresses it reached: what a PROXY protocol header sent to a
 * backend names ({@code ;send-proxy}), and what keys the connections pooled for such a backend. Asked for only when
 * a backend wants it: finding the local address is a system call.
 *
 * @param client the client's address and port, as X-Forwarded-For names it
 * @param local  the address and port the client connected to; null when the socket no longer says (closed)
 */
record ConnectionAddresses(InetSocketAddress client, InetSocketAddress local) {

    /** The client's address and what it reached: as a received PROXY header named it, else the socket's local address. */
    static ConnectionAddresses of(InetSocketAddress client, Endpoint socket) {
        InetSocketAddress local = socket.reached();
        if (local == null) {
            try {
                local = (InetSocketAddress) socket.channel().getLocalAddress();
            } catch (IOException e) {
                local = null;
            }
        }
        return new ConnectionAddresses(client, local);
    }

    /**
     * The PROXY header of {@code version} naming this client; one that names no client (v2 LOCAL, v1 UNKNOWN) when
     * an address is not known any more.
     */
    byte[] proxyHeader(Backend.SendProxy version) {
        int v = version == Backend.SendProxy.V1 ? 1 : 2;
        if (local == null || client.getAddress() == null || local.getAddress() == null) {
            return ProxyHeaderWriter.local(v);
        }
        return ProxyHeaderWriter.proxied(v, client, local);
    }

    /** A key part that tells one client connection from every other: the pool key of a {@code ;send-proxy} backend. */
    String poolKeySuffix() {
        return " for " + client + " to " + local;
    }
}
