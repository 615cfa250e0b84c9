package dev.rsp.routing.reloadpath;

import dev.rsp.spi.routing.RequestHead;
import java.net.InetSocketAddress;
import java.util.Optional;

/** A request head with a method, a path and a host; no headers, no TLS. */
record TestHead(String method, String path, String host) implements RequestHead {

    static TestHead get(String path) {
        return new TestHead("GET", path, "alice.example.com");
    }

    @Override
    public String query() {
        return "";
    }

    @Override
    public Optional<String> header(String name) {
        return Optional.empty();
    }

    @Override
    public InetSocketAddress clientAddress() {
        return new InetSocketAddress("127.0.0.1", 40000);
    }

    @Override
    public Optional<String> sni() {
        return Optional.empty();
    }
}
