package dev.rsp.core.admin;

import dev.rsp.host.CanonicalHost;
import dev.rsp.host.HostNames;
import dev.rsp.spi.routing.RequestHead;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/**
 * A request made up from a host name or a URL, to ask the routing chain without traffic ({@code rsp:route},
 * what-if). It has no headers and comes from 127.0.0.1.
 */
public record ProbeRequest(String method, String path, String query, String host) implements RequestHead {

    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 0);

    /**
     * Reads {@code alice.example.com}, {@code Alice.Example.com:8080} or {@code http://host/path?query}.
     *
     * @throws IllegalArgumentException with a message for the user when the host or URL is not valid
     */
    public static ProbeRequest parse(String hostOrUrl) {
        String raw = hostOrUrl.trim();
        String host = raw;
        String path = "/";
        String query = "";
        if (raw.contains("://")) {
            URI uri;
            try {
                uri = new URI(raw);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("not a URL: " + e.getMessage());
            }
            if (uri.getRawAuthority() == null) {
                throw new IllegalArgumentException("the URL has no host: " + raw);
            }
            host = uri.getRawAuthority();
            path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        } else if (raw.indexOf('/') > 0) {
            host = raw.substring(0, raw.indexOf('/'));
            path = raw.substring(raw.indexOf('/'));
        }
        CanonicalHost c = HostNames.canonical(host);
        if (c instanceof CanonicalHost.Invalid invalid) {
            throw new IllegalArgumentException("invalid host '" + host + "': " + invalid.reason());
        }
        return new ProbeRequest("GET", path, query, ((CanonicalHost.Valid) c).host());
    }

    @Override
    public Optional<String> header(String name) {
        return Optional.empty();
    }

    @Override
    public InetSocketAddress clientAddress() {
        return LOCAL;
    }

    @Override
    public Optional<String> sni() {
        return Optional.empty();
    }
}
