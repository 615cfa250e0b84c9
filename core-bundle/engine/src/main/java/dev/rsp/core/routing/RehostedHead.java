package dev.rsp.core.routing;

import dev.rsp.spi.routing.RequestHead;
import java.net.InetSocketAddress;
import java.util.Optional;

/** A request head as the strategies after a rehost see it: another canonical host, everything else delegated. */
final class RehostedHead implements RequestHead {

    private final RequestHead original;
    private final String host;

    private RehostedHead(RequestHead original, String host) {
        this.original = original;
        this.host = host;
    }

    /** Wraps the original head (never another wrapper) with {@code canonicalHost}. */
    static RequestHead of(RequestHead request, String canonicalHost) {
        RequestHead original = request instanceof RehostedHead r ? r.original : request;
        return new RehostedHead(original, canonicalHost);
    }

    @Override
    public String method() {
        return original.method();
    }

    @Override
    public String path() {
        return original.path();
    }

    @Override
    public String query() {
        return original.query();
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public Optional<String> header(String name) {
        return original.header(name);
    }

    @Override
    public InetSocketAddress clientAddress() {
        return original.clientAddress();
    }

    @Override
    public Optional<String> sni() {
        return original.sni();
    }

    @Override
    public String toString() {
        return "RehostedHead[" + host + ", " + original + "]";
    }
}
