package dev.rsp.testkit.routing;

import dev.rsp.spi.routing.RequestHead;
import java.net.IDN;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A made-up request head for testing a {@link dev.rsp.spi.routing.Router} without the core: immutable, each
 * {@code with}-style method returns a changed copy.
 *
 * <pre>{@code
 * RequestHead head = FakeRequest.get("Alice.Example.com", "/api/v1?x=1").header("X-Tenant", "t1").from("10.0.0.7");
 * }</pre>
 *
 * <p>It answers as the core's heads do: the host is canonical (lower case, IDN labels in ASCII, no port, no trailing
 * dot; canonicalized here from what the test gives), the path is the target up to {@code ?} and the query what
 * follows it, {@link #header} finds the first value by case-insensitive name with surrounding whitespace removed.
 * Unlike the core it checks little: a test can build heads the core would have refused (see the core's limits).
 * Without {@link #from} the client is 127.0.0.1:40000; without {@link #sni} there is no server name.
 */
public final class FakeRequest implements RequestHead {

    private static final InetSocketAddress DEFAULT_CLIENT = new InetSocketAddress("127.0.0.1", 40000);

    private final String method;
    private final String path;
    private final String query;
    private final String host;
    private final List<String[]> headers;
    private final InetSocketAddress client;
    private final String sni;

    private FakeRequest(String method, String path, String query, String host, List<String[]> headers,
                        InetSocketAddress client, String sni) {
        this.method = method;
        this.path = path;
        this.query = query;
        this.host = host;
        this.headers = headers;
        this.client = client;
        this.sni = sni;
    }

    /** {@code GET /} for {@code host}. */
    public static FakeRequest get(String host) {
        return request("GET", host, "/");
    }

    /** {@code GET target} for {@code host}; {@code target} is a path with an optional {@code ?query}. */
    public static FakeRequest get(String host, String target) {
        return request("GET", host, target);
    }

    /**
     * A request with any method, e.g. {@code request("POST", "api.example.com", "/v1/items")}.
     *
     * @throws IllegalArgumentException when the target does not start with {@code /} or {@code *}
     */
    public static FakeRequest request(String method, String host, String target) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        if (!target.startsWith("/") && !target.equals("*")) {
            throw new IllegalArgumentException("a request target starts with / (or is *), not '" + target + "'");
        }
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? "" : target.substring(q + 1);
        return new FakeRequest(method, path.isEmpty() ? "/" : path, query, canonical(host), List.of(), DEFAULT_CLIENT, null);
    }

    /**
     * A TLS passthrough connection as the core routes it, before any HTTP is seen: method {@code ""}, path {@code /},
     * no query, no headers, the host and the SNI both the server name.
     */
    public static FakeRequest passthrough(String serverName) {
        String name = canonical(serverName);
        return new FakeRequest("", "/", "", name, List.of(), DEFAULT_CLIENT, name);
    }

    /** A copy with one more header field; a name given twice keeps both values, {@link #header} sees the first. */
    public FakeRequest header(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        List<String[]> more = new ArrayList<>(headers);
        more.add(new String[] {name.toLowerCase(Locale.ROOT), value.strip()});
        return new FakeRequest(method, path, query, host, List.copyOf(more), client, sni);
    }

    /** A copy from this client address (an IPv4 or IPv6 literal), port 40000. */
    public FakeRequest from(String address) {
        return from(new InetSocketAddress(address, 40000));
    }

    /** A copy from this client address. */
    public FakeRequest from(InetSocketAddress address) {
        return new FakeRequest(method, path, query, host, headers, Objects.requireNonNull(address, "address"), sni);
    }

    /** A copy that came over TLS with this server name (canonicalized as the host is). */
    public FakeRequest sni(String serverName) {
        return new FakeRequest(method, path, query, host, headers, client, canonical(serverName));
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String query() {
        return query;
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public Optional<String> header(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String[] field : headers) {
            if (field[0].equals(lower)) {
                return Optional.of(field[1]);
            }
        }
        return Optional.empty();
    }

    @Override
    public InetSocketAddress clientAddress() {
        return client;
    }

    @Override
    public Optional<String> sni() {
        return Optional.ofNullable(sni);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(method.isEmpty() ? "(passthrough)" : method).append(' ').append(host).append(path);
        if (!query.isEmpty()) {
            s.append('?').append(query);
        }
        for (String[] field : headers) {
            s.append(" [").append(field[0]).append(": ").append(field[1]).append(']');
        }
        return s.toString();
    }

    /**
     * The common cases of the core's host canonicalization: port and one trailing dot removed, lower case, IDN labels
     * in ASCII. IPv6 literals keep their brackets.
     */
    static String canonical(String raw) {
        Objects.requireNonNull(raw, "host");
        String host = raw.strip();
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return (end < 0 ? host : host.substring(0, end + 1)).toLowerCase(Locale.ROOT);
        }
        int colon = host.lastIndexOf(':');
        if (colon >= 0) {
            host = host.substring(0, colon);
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("empty host in '" + raw + "'");
        }
        return IDN.toASCII(host, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
    }
}
