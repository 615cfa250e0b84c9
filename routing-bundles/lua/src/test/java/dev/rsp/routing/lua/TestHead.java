package dev.rsp.routing.lua;

import dev.rsp.spi.routing.RequestHead;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A request head for tests: headers by case-insensitive name, optional SNI. */
record TestHead(String method, String path, String query, String host, Map<String, String> headers, String sniName)
        implements RequestHead {

    static TestHead get(String host, String path) {
        return new TestHead("GET", path, "", host, Map.of(), null);
    }

    TestHead withHeader(String name, String value) {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.putAll(headers);
        h.put(name, value);
        return new TestHead(method, path, query, host, h, sniName);
    }

    @Override
    public Optional<String> header(String name) {
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    @Override
    public InetSocketAddress clientAddress() {
        return new InetSocketAddress("127.0.0.1", 40000);
    }

    @Override
    public Optional<String> sni() {
        return Optional.ofNullable(sniName);
    }
}
