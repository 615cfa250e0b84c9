package dev.rsp.core.proxy;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every named outcome the core counts, declared once: its stable dotted name (the {@code event} label of
 * {@code rsp_events_total}, a key of {@code /api/stats} and the status page; never rename one) and a one-line help
 * text. Each shows from the start, at 0 until it first counts. The README's counter table lists them all, in this
 * order (a test holds it to that).
 *
 * <p>Not declared here, counted by name through {@link ProxyCounters#count(String)}: the parsers' refusals
 * ({@code reject.<defect>} from a client, {@code backend.<defect>} from a backend, declared by
 * {@code dev.rsp.core.http.Defect}) and the TLS front's rejections ({@code tls.reject.*}, chosen by the TLS bundle).
 * A name that is also declared here (e.g. {@code backend.head_too_large}) counts on the declared counter.
 */
public enum Counter {
    CONNECTIONS_ACCEPTED("connections.accepted", "A client connection accepted"),
    ACCEPT_FAILED("accept.failed", "A client connection that could not be accepted or set up"),
    OVERLOAD_BUFFERS("overload.buffers",
            "A request answered 503 with Retry-After because its loop held its share of limits.buffers"),
    BUFFERS_HEAP_FALLBACK("buffers.heap_fallback",
            "A heap buffer handed out because rsp's direct buffers reached 90 % of the JVM's direct memory limit (since the JVM started)"),
    ACCEPT_PAUSED("accept.paused",
            "Accepting paused because limits.connections client connections were open (new ones wait in the kernel's accept queue); one per pause, however many loops pause"),

    CLIENT_TIMEOUT_HEADER("client.timeout.header", "A request head not received within the header timeout (408)"),
    CLIENT_TIMEOUT_IDLE("client.timeout.idle", "An idle keep-alive client connection closed after the idle timeout"),
    CLIENT_CLOSED_MID_HEAD("client.closed_mid_head", "A client closed its connection in the middle of a request head"),
    CLIENT_CLOSED_MID_REQUEST("client.closed_mid_request",
            "A client closed its connection while its request body was relayed"),
    CLIENT_READ_ERROR("client.read_error", "A read from a client failed between requests"),
    CLIENT_WRITE_FAILED("client.write_failed", "A write of a response to a client failed"),
    CLIENT_ABORTED("client.aborted",
            "A client that went away (reset, or closed) while its request waited for or streamed a response: the backend leg cancelled"),
    CLIENT_HALF_CLOSED("client.half_closed",
            "A client that ended its sending side after a complete request (probed: a close becomes client.aborted, a half-close gets its answer)"),
    CLIENT_INTERNAL_ERROR("client.internal_error",
            "An unexpected error in rsp while handling a client connection (closed)"),

    REJECT_HEAD_TOO_LARGE("reject.head_too_large", "A request head larger than the head limit (431)"),
    REJECT_HEAD_TOO_LARGE_AFTER_REWRITE("reject.head_too_large_after_rewrite",
            "A request head over the limit once the forwarding fields are added (431)"),
    REJECT_INVALID_HOST("reject.invalid_host", "A request whose Host is not a valid host name (400)"),
    REQUEST_UPGRADE_REMOVED("request.upgrade_removed",
            "An Upgrade asked for by a client and not passed on (protocol not allowed)"),

    ROUTE_WAITED("route.waited", "A request that waited for a routing strategy to come up"),
    ROUTE_NO_STRATEGY("route.no_strategy", "A request that waited in vain for a routing strategy (503)"),
    ROUTE_UNROUTED("route.unrouted", "A request no strategy of the chain routed (503)"),

    BACKEND_CONNECT_FAILED("backend.connect_failed", "A connect to a backend refused, failed or timed out"),
    BACKEND_RETRY("backend.retry", "A request sent on to the next candidate backend"),
    BACKEND_UNAVAILABLE("backend.unavailable", "A request for which no candidate backend was reachable (502)"),
    BACKEND_TIMEOUT("backend.timeout", "A backend that did not begin its response within the backend timeout (504)"),
    BACKEND_BROKE("backend.broke", "A backend connection that broke before a response began"),
    BACKEND_BROKE_MID_RESPONSE("backend.broke_mid_response",
            "A backend connection that broke after a response began (client cut)"),
    BACKEND_HEAD_TOO_LARGE("backend.head_too_large", "A response head too large to read or to rewrite (502)"),
    BACKEND_UNASKED_UPGRADE("backend.unasked_upgrade",
            "A 101 to a protocol the client did not offer (502, connection closed)"),
    BACKEND_TRUNCATED_RESPONSE("backend.truncated_response", "A backend that closed its connection mid-response"),
    BACKEND_BAD_CHUNK("backend.bad_chunk", "A response body with invalid chunked framing"),
    BACKEND_READ_FAILED("backend.read_failed", "A read of a response body from a backend failed"),
    BACKEND_EXCESS_BYTES("backend.excess_bytes",
            "A backend that sent bytes after the response it framed (connection closed)"),
    BACKEND_NOT_REUSED_UNREAD_BODY("backend.not_reused.unread_body",
            "A backend connection closed, not pooled, because a request body may be left unread"),
    BACKEND_MARKED_DOWN("backend.marked_down", "A backend marked down by passive health"),

    BACKEND_POOL_REUSED("backend.pool.reused", "A request sent on a pooled backend connection"),
    BACKEND_POOL_STALE_RETRY("backend.pool.stale_retry",
            "A pooled connection found closed by the backend, or an HTTP/2 stream the backend refused unprocessed; the request sent again"),
    BACKEND_POOL_IDLE_TIMEOUT("backend.pool.idle_timeout", "A pooled backend connection closed after its idle timeout"),
    BACKEND_POOL_CLOSED_BY_BACKEND("backend.pool.closed_by_backend", "A pooled backend connection the backend closed"),
    BACKEND_POOL_UNEXPECTED("backend.pool.unexpected",
            "A pooled backend connection that sent bytes nobody asked for (closed)"),
    BACKEND_TLS_HANDSHAKES("backend.tls.handshakes",
            "A TLS handshake with a backend marked ;tls that completed (new connections only: pooled ones are reused)"),
    BACKEND_TLS_FAILED("backend.tls.failed",
            "A TLS handshake with a backend that did not complete: certificate not trusted or not naming the host, no h2"
            + " agreed by ALPN, closed or timed out (also a backend.connect_failed)"),
    BACKEND_TLS_INSECURE("backend.tls.insecure",
            "A TLS connection to a ;tls=insecure backend, whose certificate was not checked"),

    EXCHANGE_UPGRADED("exchange.upgraded", "An exchange switched protocols (101) and became a tunnel"),
    EXCHANGE_TIMEOUT_IDLE("exchange.timeout.idle",
            "An exchange or tunnel closed after the idle timeout without progress"),

    TLS_HELLO("tls.hello", "A ClientHello inspected on a TLS listener"),
    TLS_HELLO_CLOSED_EMPTY("tls.hello.closed_empty", "A TLS listener connection closed before sending anything"),
    TLS_HELLO_TRUNCATED("tls.hello.truncated", "A TLS listener connection closed in the middle of a ClientHello"),
    TLS_HELLO_READ_ERROR("tls.hello.read_error", "A read failed before a whole ClientHello arrived"),
    TLS_INSPECT_FAILED("tls.inspect.failed", "The TLS front failed with an exception inspecting a ClientHello"),
    TLS_REJECT_TIMEOUT("tls.reject.timeout", "No whole ClientHello within the hello timeout"),
    TLS_REJECT_TOO_LARGE("tls.reject.too_large", "No whole ClientHello within the hello size limit"),
    TLS_NO_CERTIFICATE("tls.no_certificate", "A ClientHello for a name no certificate covers (closed)"),
    TLS_CERTIFICATE_WAITED("tls.certificate.waited",
            "A ClientHello that waited for its certificate to be loaded from disk or issued (ACME on demand)"),
    TLS_CERTIFICATE_WAIT_TIMEOUT("tls.certificate.wait_timeout",
            "A ClientHello whose certificate was not ready within the front's wait limit (closed)"),
    ACME_HTTP01_ANSWERED("acme.http01.answered",
            "A request for an ACME HTTP-01 challenge rsp's ACME client has pending, answered by rsp before routing"),
    TLS_ACME_VALIDATION("tls.acme.validation",
            "A TLS-ALPN-01 validation handshake (ALPN acme-tls/1) by an ACME CA, closed after the handshake"),
    TLS_HANDSHAKE_DONE("tls.handshake.done", "A TLS handshake completed"),
    TLS_HANDSHAKE_FULL("tls.handshake.full",
            "A completed TLS handshake that made a new session (key exchange and certificate signature)"),
    TLS_HANDSHAKE_RESUMED("tls.handshake.resumed",
            "A completed TLS handshake that resumed an earlier session (session ticket, TLS 1.3 PSK or session id)"),
    TLS_HANDSHAKE_FAILED("tls.handshake.failed", "A TLS handshake that failed"),
    TLS_HANDSHAKE_CLOSED("tls.handshake.closed", "A client that closed its connection during the TLS handshake"),
    TLS_ALPN_UNSPOKEN("tls.alpn.unspoken",
            "A TLS connection whose handshake chose an application protocol (ALPN) rsp does not speak, e.g. spdy/3.1 (closed)"),
    TLS_HANDSHAKE_TIMEOUT("tls.handshake.timeout", "A TLS handshake not completed within the hello timeout"),
    TLS_READ_ERROR("tls.read_error", "A TLS read from a client failed between requests"),
    TLS_RENEGOTIATION_REFUSED("tls.renegotiation.refused",
            "A client-initiated TLS renegotiation refused (connection closed)"),
    TLS_MISDIRECTED("tls.misdirected", "A request for a host the connection's certificate does not cover (421)"),
    TLS_PASSTHROUGH("tls.passthrough", "A TLS connection relayed unchanged to a backend"),
    TLS_PASSTHROUGH_NO_SNI("tls.passthrough.no_sni",
            "A passthrough connection without a usable server name nor default backend (closed)"),
    TLS_PASSTHROUGH_INVALID_SNI("tls.passthrough.invalid_sni",
            "A passthrough ClientHello whose server name is not a valid host name"),

    H2_CONNECTION_ERROR("h2.connection_error",
            "An HTTP/2 connection ended with GOAWAY for a protocol error of its client"),
    H2_STREAM_ERROR("h2.stream_error", "An HTTP/2 stream reset by rsp for a protocol error of its client"),
    H2_FRAME_TOO_LARGE("h2.frame_too_large",
            "An HTTP/2 frame longer than rsp's SETTINGS_MAX_FRAME_SIZE (FRAME_SIZE_ERROR, connection closed)"),
    H2_REFUSED_STREAM("h2.refused_stream",
            "An HTTP/2 stream over the concurrent stream limit, refused (REFUSED_STREAM)"),
    H2_STREAMS_PER_READ("h2.streams_per_read",
            "An HTTP/2 stream over the new streams per read limit, refused (REFUSED_STREAM)"),
    H2_RAPID_RESET("h2.rapid_reset",
            "An HTTP/2 connection closed for too many streams reset before their response (ENHANCE_YOUR_CALM)"),
    H2_STREAM_BUDGET("h2.stream_budget",
            "An HTTP/2 connection that reached its stream budget and was drained (GOAWAY NO_ERROR)"),
    H2_HEAD_TOO_LARGE("h2.head_too_large", "An HTTP/2 request head or trailers over the head limit (431)"),
    H2_HEADER_FLOOD("h2.header_flood",
            "An HTTP/2 header block far over the head limit, a CONTINUATION flood (ENHANCE_YOUR_CALM)"),
    H2_GLITCHES("h2.glitches",
            "An HTTP/2 connection closed after too many empty, PRIORITY or unknown frames, or RST_STREAMs or"
            + " WINDOW_UPDATEs of 0 on closed streams (ENHANCE_YOUR_CALM)"),
    H2_CONTROL_QUEUE_FULL("h2.control_queue_full",
            "An HTTP/2 connection closed with more control frames owed than allowed (ENHANCE_YOUR_CALM)"),
    H2_READ_PAUSED("h2.read_paused",
            "HTTP/2 input left unread until rsp's pending ACK or control frames are written to the client"),
    H2_MALFORMED("h2.malformed",
            "An HTTP/2 request that RFC 9113 calls malformed (a bad or missing pseudo-header, a connection-specific or"
            + " uppercase field): RST_STREAM PROTOCOL_ERROR"),
    H2_CONTENT_LENGTH_MISMATCH("h2.content_length_mismatch",
            "An HTTP/2 request whose DATA disagreed with its content-length: RST_STREAM PROTOCOL_ERROR"),
    H2_CONNECTIONS("h2.connections",
            "Client connections that spoke HTTP/2 (ALPN h2, or the h2c preface on the plain listener)"),
    H2_STREAMS("h2.streams",
            "HTTP/2 streams that carried a request to an exchange"),
    H2_TIMEOUT_IDLE("h2.timeout_idle",
            "HTTP/2 connections closed (GOAWAY) after timeout.idle.ms without a stream"),
    H2_BACKEND_CONNECTIONS("h2.backend.connections",
            "HTTP/2 connections opened to backends marked ;proto=h2"),
    H2_BACKEND_STREAMS("h2.backend.streams",
            "Exchanges sent to an HTTP/2 backend, each on a stream of a shared connection"),
    H2_BACKEND_MALFORMED("h2.backend.malformed",
            "An HTTP/2 backend response that RFC 9113 calls malformed (no or a bad :status, a connection-specific"
            + " field, a 101): RST_STREAM PROTOCOL_ERROR and 502"),
    H2_BACKEND_CONNECTION_ERROR("h2.backend.connection_error",
            "An HTTP/2 backend connection ended with GOAWAY for a protocol error of the backend"),
    H2_BACKEND_STREAM_ERROR("h2.backend.stream_error",
            "An HTTP/2 backend stream reset by rsp for a protocol error of the backend"),
    H2_BACKEND_REFUSED_STREAM("h2.backend.refused_stream",
            "An HTTP/2 backend stream the backend refused (RST_STREAM REFUSED_STREAM, or above the last stream of its"
            + " GOAWAY): the request may be retried"),
    H2_BACKEND_HEAD_TOO_LARGE("h2.backend.head_too_large",
            "An HTTP/2 response head or trailers from a backend over the head limit (stream reset CANCEL)"),
    H2_BACKEND_HEADER_FLOOD("h2.backend.header_flood",
            "An HTTP/2 backend header block far over the head limit, a CONTINUATION flood (ENHANCE_YOUR_CALM)"),
    H2_BACKEND_GLITCHES("h2.backend.glitches",
            "An HTTP/2 backend connection closed after too many empty, PRIORITY or unknown frames, or RST_STREAMs or"
            + " WINDOW_UPDATEs of 0 on closed streams (ENHANCE_YOUR_CALM)"),
    H2_BACKEND_CONTROL_QUEUE_FULL("h2.backend.control_queue_full",
            "An HTTP/2 backend connection closed with more control frames owed than allowed (ENHANCE_YOUR_CALM)"),
    H2_BACKEND_READ_PAUSED("h2.backend.read_paused",
            "HTTP/2 backend input left unread until rsp's pending ACK or control frames are written to the backend"),

    HEALTH_CHECK_FAILED("health.check.failed",
            "An active health check that failed (refused, timed out, TLS failed, or a status outside health.check.status)"),
    HEALTH_CHECK_DOWN("health.check.down", "A backend taken out by health.check.fall failed health checks in a row"),
    HEALTH_CHECK_BACK("health.check.back", "A backend brought back by health.check.rise passed health checks in a row"),
    HEALTH_OUTLIER_EJECTED("health.outlier.ejected",
            "A backend ejected for consecutive 5xx answers or timeouts (outlier detection)"),
    HEALTH_OUTLIER_CAPPED("health.outlier.capped",
            "An ejection not made because health.max.ejected.percent of the backends were out already (the backend stays in)"),
    HEALTH_SLOWSTART_DEFERRED("health.slowstart.deferred",
            "A request whose first candidate was in slow start and beyond its share, sent to the next candidate first"),
    RATELIMIT_CLIENT_REQUESTS("ratelimit.client.requests",
            "A request over its client address's request rate (429 with Retry-After)"),
    RATELIMIT_CLIENT_CONCURRENT("ratelimit.client.concurrent",
            "A request over its client address's limit of requests in progress at once (429 with Retry-After)"),
    RATELIMIT_CLIENT_CONNECTIONS("ratelimit.client.connections",
            "A connection over its client address's connection rate (its first request gets 429 with Retry-After, then it closes)"),
    RATELIMIT_HOST_REQUESTS("ratelimit.host.requests", "A request over its host's request rate (429 with Retry-After)"),
    RATELIMIT_CLIENTS_EVICTED("ratelimit.clients.evicted",
            "A client address whose rate-limit counts were dropped before they ran out, to stay within client.table.entries"),
    RATELIMIT_HOSTS_EVICTED("ratelimit.hosts.evicted",
            "A host whose rate-limit counts were dropped before they ran out, to stay within host.table.entries"),
    BACKEND_RETRY_BUDGET_EXHAUSTED("backend.retry.budget_exhausted",
            "A request not sent again after its backend connection broke, because retries were over the retry budget (502)"),
    BACKEND_NOT_RESENT("backend.not_resent",
            "A request whose backend connection broke before its response, not sent again: not idempotent, its body"
            + " already streamed, or a response byte already received (502)"),
    BACKEND_QUEUED("backend.queued", "A request that waited for a slot at a backend at its maxconn"),
    BACKEND_QUEUE_FULL("backend.queue.full", "A request refused because its backend was at maxconn and its queue full (503)"),
    BACKEND_QUEUE_TIMEOUT("backend.queue.timeout",
            "A request that waited backend.queue.timeout.ms in vain for a slot at its backend (503)"),
    BUFFER_POOL_DECAYED("buffer.pool.decayed",
            "An idle pooled buffer dropped because recent traffic did not need it (its memory is freed at the next GC)"),
    PROXY_PROXIED("proxy.proxied",
            "A connection whose PROXY header named its client: that address is its client address from then on"),
    PROXY_LOCAL("proxy.local",
            "A connection whose PROXY header named no client (LOCAL, e.g. a load balancer's health check, or v1 UNKNOWN): the TCP peer's address is kept"),
    PROXY_UNTRUSTED("proxy.untrusted", "A connection to a PROXY protocol listener from a peer outside proxy.trusted (closed)"),
    PROXY_TIMEOUT("proxy.timeout", "A connection whose PROXY header was not complete within proxy.timeout.ms (closed)"),
    PROXY_CLOSED("proxy.closed", "A connection closed by its peer, or failed, before its PROXY header was complete"),
    PROXY_REJECT_SIGNATURE("proxy.reject.signature",
            "A connection that did not start with a PROXY header of an accepted version (closed)"),
    PROXY_REJECT_V1_TOO_LONG("proxy.reject.v1_too_long", "A PROXY v1 line longer than 107 bytes (closed)"),
    PROXY_REJECT_V1_MALFORMED("proxy.reject.v1_malformed", "A malformed PROXY v1 line (closed)"),
    PROXY_REJECT_ADDRESS("proxy.reject.address", "A PROXY header with a bad address (closed)"),
    PROXY_REJECT_PORT("proxy.reject.port", "A PROXY header with a bad port (closed)"),
    PROXY_REJECT_V2_COMMAND("proxy.reject.v2_command", "A PROXY v2 header whose version or command is not 2 / LOCAL or PROXY (closed)"),
    PROXY_REJECT_V2_TOO_LONG("proxy.reject.v2_too_long", "A PROXY v2 header longer than proxy.max.v2.bytes (closed)"),
    PROXY_REJECT_FAMILY("proxy.reject.family",
            "A PROXY v2 header whose address family or transport is not TCP over IPv4 or IPv6 (UDP, AF_UNIX; closed)"),
    PROXY_REJECT_V2_SHORT("proxy.reject.v2_short", "A PROXY v2 header shorter than its address block (closed)"),
    PROXY_REJECT_TLV("proxy.reject.tlv", "A PROXY v2 header with a malformed TLV (closed)"),
    PROXY_REJECT_CRC("proxy.reject.crc", "A PROXY v2 header whose CRC32C does not match (closed)"),
    DNS_LOOKUPS("dns.lookups", "A lookup of a backend name (the hosts file, then DNS: A/AAAA or SRV; address literals and localhost are never looked up)"),
    DNS_FAILED("dns.failed", "A DNS lookup of a backend name that gave no usable answer (no such name, no record, server failure, timeout)"),
    DNS_HELD("dns.held", "A backend name whose lookups started failing while it had an answer, kept for up to dns.hold.ms"),
    DNS_EXPIRED("dns.expired", "A held answer given up after dns.hold.ms of failed lookups: the name's backends are unresolved"),
    DNS_CHANGED("dns.changed", "A DNS answer that changed what a backend name serves (another address, other SRV targets; not a first answer)"),
    LISTENER_QUEUE_SWEPT("listener.queue.swept",
            "A connection a stop accepted from a closing listener's queue, where the kernel would have reset it"),
    STOP_NEW_CLOSED("stop.new.closed",
            "A connection accepted just before a stop that sent no request within timeout.stop.new.ms, closed unserved"),
    ETCD_LISTS("etcd.lists", "A full read of the etcd prefix (at start, after a compaction, after a limit was exceeded)"),
    ETCD_EVENTS("etcd.events", "A change of a key under the etcd prefix, received by the watch"),
    ETCD_PUBLICATIONS("etcd.publications", "A new set of etcd keys handed on, after coalesce.ms"),
    ETCD_RECONNECTS("etcd.reconnects",
            "A read or watch of etcd that failed (unreachable, refused, cut): tried again after a backoff, on the next endpoint"),
    ETCD_WATCH_STALE("etcd.watch.stale",
            "An etcd watch that brought nothing for watch.idle.timeout.ms, taken as dead and opened again"),
    ETCD_COMPACTED("etcd.compacted", "An etcd watch whose start revision was compacted away: the prefix is read again"),
    ETCD_OVER_KEYS("etcd.over.keys",
            "More keys under the etcd prefix than limits.keys: nothing new applied, the last good set stays"),
    ETCD_OVER_VALUE("etcd.over.value", "An etcd value larger than limits.value.bytes, refused like an invalid value"),
    ETCD_OVER_RESPONSE("etcd.over.response",
            "An etcd answer or watch line larger than limits.response.bytes (read again after a backoff)"),
    ETCD_REJECTED("etcd.rejected",
            "A set from etcd refused for an invalid backend or configuration value (the last good one stays)"),
    REDIRECT_HTTPS("redirect.https", "A plain HTTP request answered with a redirect to HTTPS (redirect.https)"),
    RESPONSE_LOCATION_REWRITTEN("response.location.rewritten",
            "A Location, Content-Location or Refresh field naming the backend's own address, rewritten to the client's scheme and host (rewrite.location)"),
    HEADERS_REQUEST_EDITED("headers.request.edited", "A request head for a backend that rules of rsp.headers changed"),
    HEADERS_RESPONSE_EDITED("headers.response.edited", "A response head for a client that rules of rsp.headers changed"),
    FORWARDED_CLIENT("forwarded.client",
            "A request from a peer in forwarded.trusted whose client address was taken from its X-Forwarded-For or Forwarded list"),
    FORWARDED_REPLACED("forwarded.replaced",
            "A request from a peer outside forwarded.trusted whose X-Forwarded-For or Forwarded fields were dropped and replaced"),
    REJECT_BODY_TOO_LARGE("reject.body_too_large",
            "A request whose Content-Length is over its body limit (limits.body.bytes, limits.body.hosts): 413 before the backend saw it"),
    REQUEST_BODY_TOO_LARGE("request.body_too_large",
            "A request whose chunked or HTTP/2 body passed its body limit while streamed: 413 if no response had begun, the backend connection closed"),
    TRACE_STARTED("trace.started", "A trace rsp started for a request without a valid traceparent (tracing.start)"),
    TRACE_PARENT_INVALID("trace.parent_invalid",
            "A request whose traceparent was invalid (malformed, version ff, an all-zero id, or repeated): a new trace when tracing.start allows, else forwarded as received"),
    TRACE_SPANS_EXPORTED("trace.spans.exported", "A span the collector accepted"),
    TRACE_SPANS_DROPPED("trace.spans.dropped",
            "A span not exported because tracing.otlp.queue.spans were already waiting (collector slow or down), export was switched off, or rsp stopped"),
    TRACE_SPANS_FAILED("trace.spans.failed", "A span of a batch given up (see trace.export.failed)"),
    TRACE_EXPORT_FAILED("trace.export.failed",
            "An export batch given up: the collector answered other than 2xx, 429, 502, 503 or 504, or still failed after tracing.otlp.tries sends"),
    TRACE_EXPORT_RETRIED("trace.export.retried", "An export batch sent again after 429, 502, 503, 504 or a network error"),
    BUFFER_BULK_TAKEN("buffer.bulk.taken",
            "A backend connection's input moved up to a buffer of buffer.bulk.size during a large response (counted every buffer.pool.decay.ms)"),
    COMPRESSION_RESPONSES("compression.responses",
            "A response gzipped on its way to the client (compression)"),
    COMPRESSION_BYTES_IN("compression.bytes.in",
            "Body bytes that went into compression (backend content, framing excluded)"),
    COMPRESSION_BYTES_OUT("compression.bytes.out",
            "Bytes compression made of them (gzip member, chunk framing excluded)"),
    COMPRESSION_SKIPPED_CLIENT("compression.skipped.client",
            "A compressible response sent uncompressed: the client's Accept-Encoding does not take gzip, or it speaks HTTP/1.0"),
    COMPRESSION_SKIPPED_SMALL("compression.skipped.small",
            "A compressible response sent uncompressed: its Content-Length is below compression.min.bytes"),
    COMPRESSION_SKIPPED_ENCODED("compression.skipped.encoded",
            "A compressible response sent as it came: the backend encoded it already (Content-Encoding)"),
    COMPRESSION_SKIPPED_RANGE("compression.skipped.range",
            "A compressible response sent uncompressed: a range (206 or Content-Range)"),
    COMPRESSION_SKIPPED_NO_TRANSFORM("compression.skipped.no_transform",
            "A compressible response sent uncompressed: its Cache-Control says no-transform"),
    COMPRESSION_SKIPPED_BUSY("compression.skipped.busy",
            "A compressible response sent uncompressed: compression.max.active responses were being compressed"),
    CONNECTIONS_BALANCED("connections.balanced",
            "An accepted connection handed to another loop, which had fewer clients than the one that accepted it");

    private static final Map<String, Counter> BY_ID = new HashMap<>();

    static {
        for (Counter c : values()) {
            BY_ID.put(c.id, c);
        }
    }

    private final String id;
    private final String help;

    Counter(String id, String help) {
        this.id = id;
        this.help = help;
    }

    /** The stable dotted name, e.g. {@code backend.retry}. */
    public String id() {
        return id;
    }

    /** One line saying what one count means. */
    public String help() {
        return help;
    }

    /** The declared counter named {@code id}, empty when the name is not declared here (a dynamic one). */
    public static Optional<Counter> forId(String id) {
        return Optional.ofNullable(BY_ID.get(id));
    }
}
