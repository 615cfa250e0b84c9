package dev.rsp.core.proxy;

import dev.rsp.core.h2.hpack.FieldChecks;
import dev.rsp.core.h2.hpack.FieldSink;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The request of one HTTP/2 stream: collects the fields of its HPACK-decoded header block (as the decoder's
 * {@link FieldSink}), checks them as RFC 9113 §8.2-8.3 asks, and is then the {@link ExchangeRequest} the exchange
 * starts from, so strategies and the HTTP/1.1 backend see the same request as over HTTP/1.1: {@code :authority} is
 * the host (Host is written from it), cookie crumbs are joined with "; ", connection-specific fields never pass
 * (a request carrying one is malformed), {@code TE} is accepted only as {@code trailers} and not forwarded, and
 * the body is framed for the backend by its Content-Length or else chunked. Loop thread only.
 */
final class H2Request implements ExchangeRequest, FieldSink {

    /** Why a header block does not make a request; null while it does. */
    private String malformed;
    private final InetSocketAddress client;
    private final Optional<String> sni;
    private final FieldStrings strings;
    private String method;
    private String scheme;
    private String authority;
    private String path;
    private String query = "";
    private String rawPath;
    private String host;
    private String cookies;
    private final FieldList fields = new FieldList();
    private boolean regularSeen;
    private long contentLength = -1;
    private boolean hasBody;
    /** The client a trusted proxy's forwarding list named, or null (see {@link RealClient}). */
    private InetSocketAddress forwardedClient;

    /** {@code strings}: the loop's, for the fields' names and values. */
    H2Request(InetSocketAddress client, Optional<String> sni, FieldStrings strings) {
        this.client = client;
        this.sni = sni;
        this.strings = strings;
    }

    // ---------------------------------------------------------------- collecting (FieldSink)

    @Override
    public void field(byte[] name, int nameLength, byte[] value, int valueLength, boolean sensitive) {
        if (malformed != null) {
            return;
        }
        if (!FieldChecks.validName(name, nameLength)) {
            malformed = "invalid field name";
            return;
        }
        if (!FieldChecks.validValue(value, valueLength)) {
            malformed = "invalid field value";
            return;
        }
        String n = strings.of(name, nameLength);
        String v = strings.of(value, valueLength);
        if (FieldChecks.pseudoHeader(name, nameLength)) {
            pseudo(n, v);
        } else {
            regular(n, v);
        }
    }

    private void pseudo(String n, String v) {
        if (regularSeen) {
            malformed = "pseudo-header after a regular field";
            return;
        }
        switch (n) {
            case ":method" -> method = once(method, v, n);
            case ":scheme" -> scheme = once(scheme, v, n);
            case ":authority" -> authority = once(authority, v, n);
            case ":path" -> rawPath = once(rawPath, v, n);
            default -> malformed = "unknown pseudo-header " + n;
        }
    }

    private String once(String seen, String v, String name) {
        if (seen != null) {
            malformed = "repeated " + name;
        }
        return v;
    }

    private void regular(String n, String v) {
        regularSeen = true;
        switch (n) {
            case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade" ->
                    malformed = "connection-specific field " + n;
            case "te" -> {
                if (!v.equalsIgnoreCase("trailers")) {
                    malformed = "te other than trailers";
                }
            }
            case "cookie" -> cookies = cookies == null ? v : cookies + "; " + v;
            case "content-length" -> {
                long length = parseLength(v);
                if (length < 0 || contentLength >= 0 && contentLength != length) {
                    malformed = "invalid content-length";
                }
                contentLength = length;
            }
            default -> {
                fields.add(n, v);
            }
        }
    }

    private static long parseLength(String v) {
        if (v.isEmpty() || v.length() > 18) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /**
     * The header block is complete: checks what a request must carry. {@code endStream}: the block ended the stream
     * (no body).
     *
     * @return null when this is a request rsp can forward, else why not (malformed: RST_STREAM PROTOCOL_ERROR)
     */
    String complete(boolean endStream) {
        hasBody = !endStream;
        if (malformed != null) {
            return malformed;
        }
        if (method == null) {
            return "no :method";
        }
        if (method.equals("CONNECT")) {
            return null; // refused by the stream with 405 (isConnect)
        }
        if (scheme == null || rawPath == null || rawPath.isEmpty()) {
            return "no :scheme or :path";
        }
        if (authority == null) {
            int host = fields.indexOf("host");
            authority = host < 0 ? null : fields.value(host);
        }
        if (cookies != null) {
            fields.add("cookie", cookies);
        }
        int q = rawPath.indexOf('?');
        path = q < 0 ? rawPath : rawPath.substring(0, q);
        query = q < 0 ? "" : rawPath.substring(q + 1);
        if (endStream && contentLength > 0) {
            return "content-length without a body";
        }
        return null;
    }

    /** The fields of a trailer block decoded into this collector ({name, value}); pseudo-headers are left out. */
    List<String[]> trailerFields() {
        List<String[]> out = new ArrayList<>(fields.size());
        for (int i = 0; i < fields.size(); i++) {
            out.add(new String[] {fields.name(i), fields.value(i)});
        }
        return out;
    }

    boolean isConnect() {
        return "CONNECT".equals(method);
    }

    /** True when the request has no host at all (neither :authority nor Host): answered 400. */
    boolean hostMissing() {
        return authority == null || authority.isEmpty();
    }

    /** The declared body length, or -1; the stream checks the DATA it receives against it. */
    long declaredLength() {
        return contentLength;
    }

    boolean hasBody() {
        return hasBody;
    }

    // ---------------------------------------------------------------- RequestHead (what strategies see)

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
        if (lower.equals("host")) {
            return Optional.ofNullable(authority);
        }
        int i = fields.indexOf(lower);
        return i < 0 ? Optional.empty() : Optional.of(fields.value(i));
    }

    @Override
    public InetSocketAddress clientAddress() {
        return forwardedClient != null ? forwardedClient : client;
    }

    @Override
    public void forwardedClient(InetSocketAddress realClient) {
        this.forwardedClient = realClient;
    }

    @Override
    public Optional<String> sni() {
        return sni;
    }

    // ---------------------------------------------------------------- ExchangeRequest and RequestFields

    @Override
    public String target() {
        return rawPath;
    }

    @Override
    public String upgrade() {
        return "";
    }

    @Override
    public boolean connectionUpgrade() {
        return false;
    }

    @Override
    public boolean chunked() {
        return hasBody && contentLength < 0;
    }

    @Override
    public void host(String canonicalHost) {
        this.host = canonicalHost;
    }

    @Override
    public void writeTarget(ByteBuffer out) {
        HeadWriter.ascii(out, rawPath);
    }

    @Override
    public int versionMinor() {
        return 1;
    }

    @Override
    public String forwardedHost() {
        return authority;
    }

    /** Always: Host is written from {@code :authority} (RFC 9113 §8.3.1), and a Host field is not forwarded. */
    @Override
    public boolean hostFromTarget() {
        return true;
    }

    @Override
    public int fieldCount() {
        return fields.size();
    }

    @Override
    public boolean nameIs(int i, String lowerCaseName) {
        return fields.name(i).equals(lowerCaseName);
    }

    @Override
    public boolean forwardedAsSent(int i) {
        return true;
    }

    @Override
    public void writeField(int i, ByteBuffer out) {
        HeadWriter.ascii(out, fields.name(i));
        HeadWriter.ascii(out, ": ");
        HeadWriter.ascii(out, fields.value(i));
        HeadWriter.ascii(out, "\r\n");
    }

    @Override
    public String value(int i) {
        return fields.value(i);
    }

    @Override
    public void writeValue(int i, ByteBuffer out) {
        HeadWriter.ascii(out, fields.value(i));
    }

    /** Always: the framing toward the backend is written from the request's length (or chunked), never forwarded. */
    @Override
    public boolean rewritesFraming() {
        return true;
    }

    @Override
    public String transferCodings() {
        return chunked() ? "chunked" : "";
    }

    @Override
    public long contentLength() {
        return hasBody ? contentLength : -1;
    }
}
