package dev.rsp.routing.hosthash;

import dev.rsp.spi.routing.RequestHead;
import java.net.InetSocketAddress;
import java.util.Optional;

/** A request head with just a host, as the core would pass it (already canonical). */
record Head(String host) implements RequestHead {
    @Override
    public String method() {
        return "GET";
    }

    @Override
    public String path() {
        return "/";
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
        return InetSocketAddress.createUnresolved("192.0.2.1", 40000);
    }

    @Override
    public Optional<String> sni() {
        return Optional.empty();
    }
}
