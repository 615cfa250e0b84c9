package dev.rsp.core.proxy;

import dev.rsp.core.http.HttpHead;
import dev.rsp.spi.routing.RequestHead;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Optional;

/**
 * A view over the parsed HTTP/1 head in the client's input buffer, reused for every request of a connection: the
 * core's {@link RequestHead} for the strategies, and the {@link RequestFields} the backend's head is written from.
 * Valid while the head is in the buffer (routing, then writing the backend's head), on the loop thread.
 */
final class RequestView implements ExchangeRequest {

    private final InetSocketAddress client;
    private ByteBuffer buffer;
    private HttpHead head;
    private String host;
    private String path;
    private String query;
    private Optional<String> sni = Optional.empty();
    /** The client a trusted proxy's forwarding list named for the current request, or null (see {@link RealClient}). */
    private InetSocketAddress forwardedClient;

    RequestView(InetSocketAddress client) {
        this.client = client;
    }

    void set(ByteBuffer buffer, HttpHead head, String canonicalHost) {
        this.buffer = buffer;
        this.head = head;
        this.host = canonicalHost;
        this.forwardedClient = null;
        String target = head.target();
        int q = target.indexOf('?');
        this.path = q < 0 ? target : target.substring(0, q);
        this.query = q < 0 ? "" : target.substring(q + 1);
    }

    @Override
    public void host(String canonicalHost) {
        this.host = canonicalHost;
    }

    /** A TLS passthrough connection: no HTTP head, only the server name as the host. */
    void setPassthrough(String canonicalHost) {
        this.buffer = null;
        this.head = null;
        this.host = canonicalHost;
        this.path = "/";
        this.query = "";
    }

    /** The buffer the current head was parsed from. */
    ByteBuffer buffer() {
        return buffer;
    }

    void sni(String serverName) {
        this.sni = Optional.of(serverName);
    }

    @Override
    public String method() {
        return head == null ? "" : head.method();
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
        if (head == null) {
            return Optional.empty();
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals("host")) {
            // the host the request is for, also when an absolute-form target replaced the Host field
            return Optional.of(head.host());
        }
        for (int i = 0; i < head.headerCount(); i++) {
            if (head.nameIs(buffer, i, lower)) {
                return Optional.of(head.value(buffer, i));
            }
        }
        return Optional.empty();
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

    // ---------------------------------------------------------------- ExchangeRequest

    @Override
    public String target() {
        return head.target();
    }

    @Override
    public String upgrade() {
        return head.upgrade();
    }

    @Override
    public boolean connectionUpgrade() {
        return head.connectionUpgrade();
    }

    @Override
    public boolean chunked() {
        return head.chunked();
    }

    @Override
    public void writeTarget(ByteBuffer out) {
        if (head.absoluteForm()) {
            HeadWriter.ascii(out, head.target());
        } else {
            HeadWriter.copy(buffer, head.targetStart(), head.targetEnd(), out);
        }
    }

    @Override
    public int versionMinor() {
        return head.versionMinor();
    }

    @Override
    public boolean hostFromTarget() {
        return head.absoluteForm();
    }

    /** The host as forwarded (the authority or the Host value as sent), not the canonical {@link #host()}. */
    @Override
    public String forwardedHost() {
        return head.host();
    }

    @Override
    public int fieldCount() {
        return head.headerCount();
    }

    @Override
    public boolean nameIs(int i, String lowerCaseName) {
        return head.nameIs(buffer, i, lowerCaseName);
    }

    @Override
    public boolean forwardedAsSent(int i) {
        return head.forwardedAsSent(i);
    }

    @Override
    public void writeField(int i, ByteBuffer out) {
        HeadWriter.copy(buffer, head.lineStart(i), head.lineEnd(i), out);
    }

    @Override
    public String value(int i) {
        return head.value(buffer, i);
    }

    @Override
    public void writeValue(int i, ByteBuffer out) {
        HeadWriter.copy(buffer, head.valueStart(i), head.valueEnd(i), out);
    }

    @Override
    public boolean rewritesFraming() {
        return head.rewritesFraming();
    }

    @Override
    public String transferCodings() {
        return head.transferCodings();
    }

    @Override
    public long contentLength() {
        return head.contentLength();
    }
}
