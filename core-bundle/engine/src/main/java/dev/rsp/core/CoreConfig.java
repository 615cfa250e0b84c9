package dev.rsp.core;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Configuration of the core, PID {@code rsp.core} ({@code etc/rsp.core.cfg}). Property names are the method names
 * with {@code _} read as {@code .}: {@code http.listen}, {@code timeout.header.ms}, ...
 */
@ObjectClassDefinition(pid = "rsp.core", name = "rsp core", description = "Listeners, loops, limits, timeouts and the routing chain")
public @interface CoreConfig {

    @AttributeDefinition(description = "Address and port of the HTTP listener, host:port")
    String http_listen() default "0.0.0.0:8080";

    @AttributeDefinition(min = "0", max = "256", description = "Number of selector loops; 0 means one per core. Applied at start")
    int loops() default 0;

    @AttributeDefinition(description = "Routing strategies by name, tried in order")
    String routing_chain() default "reload-path, host-hash";

    @AttributeDefinition(min = "4096", max = "1048576", description = "Size of every I/O buffer in bytes; a connection holds at most two per direction. Applied at start")
    int buffer_size() default 16384;

    @AttributeDefinition(min = "256", description = "Longest request line in bytes (414 beyond)")
    int limits_request_line() default 8192;

    @AttributeDefinition(description = "Longest request head in bytes (431 beyond); at most buffer.size")
    int limits_head_bytes() default 16384;

    @AttributeDefinition(min = "1", max = "1000", description = "Most header fields in a head (431 beyond)")
    int limits_headers() default 100;

    @AttributeDefinition(min = "67108864", description = "Memory budget of rsp's JVM in bytes (heap, direct buffers and the rest): bin/rsp derives the JVM's heap and direct memory limits from it at start, and the engine answers 503 instead of taking buffers beyond its share")
    long limits_memory() default 1L << 30;

    @AttributeDefinition(min = "1", description = "Most client connections open at once over all listeners; beyond it accepting pauses and new connections wait in the kernel's accept queue")
    int limits_connections() default 20_000;

    @AttributeDefinition(description = "Bytes of I/O buffers the loops may hold before new requests get 503 with Retry-After; 0: three quarters of the JVM's direct memory limit")
    long limits_buffers() default 0;

    @AttributeDefinition(min = "1", max = "65535", description = "Length of the kernel's queue of connections not yet accepted, per listener (capped by net.core.somaxconn); connections beyond limits.connections wait there. Applied when a listener opens")
    int limits_backlog() default 4096;

    @AttributeDefinition(min = "1", description = "Time a client has to send a complete request head (408 after)")
    long timeout_header_ms() default 10_000;

    @AttributeDefinition(min = "1", description = "Time without progress before a connection is closed (keep-alive and transfers)")
    long timeout_idle_ms() default 60_000;

    @AttributeDefinition(min = "1", description = "Time to connect to a backend before trying the next candidate")
    long timeout_connect_ms() default 5_000;

    @AttributeDefinition(min = "1", description = "Time a backend has to start its response (504 after)")
    long timeout_backend_ms() default 60_000;

    @AttributeDefinition(min = "0", description = "Time a request waits for a routing strategy to appear (503 after)")
    long timeout_grace_ms() default 2_000;

    @AttributeDefinition(min = "1", description = "Time in-flight requests get to finish when rsp stops")
    long timeout_stop_ms() default 10_000;

    @AttributeDefinition(min = "1", max = "8", description = "Most backends tried for one request when connecting fails")
    int backend_tries() default 3;

    @AttributeDefinition(min = "0", description = "Most idle keep-alive connections kept per backend and loop")
    int backend_pool_max_idle() default 1024;

    @AttributeDefinition(min = "1", description = "Time an idle pooled backend connection is kept")
    long backend_pool_idle_ms() default 30_000;

    @AttributeDefinition(description = "PEM file of the certificate authorities that backends marked ;tls must be signed by (relative to rsp's home); empty: the JDK's default trust store")
    String backend_tls_ca() default "";

    @AttributeDefinition(min = "1", description = "Consecutive failures that mark a backend down")
    int health_failures() default 3;

    @AttributeDefinition(min = "1", description = "Time a backend marked down is left alone")
    long health_cooldown_ms() default 10_000;

    @AttributeDefinition(min = "0", description = "Interval of the active check of every backend (HTTP when health.check.path is set, else a TCP connect); 0 turns it off")
    long health_check_interval_ms() default 0;

    @AttributeDefinition(description = "Protocols an HTTP/1.1 Upgrade may switch to (a tunnel after 101); others are removed from the request. Empty: none")
    String upgrade_protocols() default "websocket";

    @AttributeDefinition(description = "Add a Via field to forwarded requests (off by default, as in HAProxy and nginx: nginx's gzip_proxied off does not compress responses to requests that carry Via)")
    boolean forwarded_via() default false;

    @AttributeDefinition(options = {@Option(value = "text", label = "text"), @Option(value = "combined", label = "combined"), @Option(value = "json", label = "json")}, description = "Access log line format: text, combined (Apache/nginx) or json")
    String access_log_format() default "text";

    @AttributeDefinition(description = "Directory of custom error pages (<status>.html, .json or .txt), relative to rsp's home; missing: built-in pages")
    String errors_dir() default "etc/errors";

    @AttributeDefinition(min = "0", max = "1048576", description = "Largest custom error page in bytes")
    int errors_max_bytes() default 65536;

    @AttributeDefinition(description = "Strict-Transport-Security value added to responses over TLS rsp terminates, unless the backend sent one (max-age=N[; includeSubDomains][; preload]); empty: off")
    String hsts() default "";

    @AttributeDefinition(description = "Hosts the hsts value applies to (example.com, *.example.com), comma-separated; empty: every host")
    String hsts_hosts() default "";

    @AttributeDefinition(description = "Accept HTTP/2 with prior knowledge (h2c) on the plain listener: a connection that starts with the HTTP/2 preface speaks HTTP/2, any other HTTP/1.1")
    boolean h2_cleartext() default true;

    @AttributeDefinition(min = "1", max = "10000", description = "HTTP/2: streams a client may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS); more are refused (REFUSED_STREAM)")
    int h2_max_concurrent_streams() default 100;

    @AttributeDefinition(min = "1", description = "HTTP/2: streams per connection; then a graceful GOAWAY and the client opens a new connection")
    int h2_max_streams_per_connection() default 1000;

    @AttributeDefinition(min = "0", description = "HTTP/2: streams a client may reset before their response began (rapid reset) before GOAWAY ENHANCE_YOUR_CALM")
    int h2_max_premature_resets() default 100;

    @AttributeDefinition(min = "0", description = "HTTP/2: frames that do nothing useful (empty DATA, PRIORITY, unknown types) per connection before GOAWAY ENHANCE_YOUR_CALM")
    int h2_max_glitches() default 1000;

    @AttributeDefinition(min = "65535", description = "HTTP/2: request body bytes a connection may have in flight across its streams (the connection flow-control window)")
    int h2_connection_window() default 1 << 20;

    @AttributeDefinition(min = "1024", description = "HTTP/2: largest decoded header list of a request (names + values + 32 per field); larger: 431")
    int h2_max_header_list_bytes() default 32768;

    @AttributeDefinition(description = "Path of the active HTTP health check (e.g. /healthz), sent every health.check.interval.ms; empty: the check only connects (TCP)")
    String health_check_path() default "";

    @AttributeDefinition(options = {@Option(value = "GET", label = "GET"), @Option(value = "HEAD", label = "HEAD"), @Option(value = "OPTIONS", label = "OPTIONS")}, description = "Method of the active HTTP health check: GET, HEAD or OPTIONS")
    String health_check_method() default "GET";

    @AttributeDefinition(description = "Host field of the active HTTP health check; empty: the backend's own host (and port unless it is the scheme's default)")
    String health_check_host() default "";

    @AttributeDefinition(description = "Statuses that pass the active HTTP health check: codes and ranges, comma-separated (200-399, 200,204)")
    String health_check_status() default "200-399";

    @AttributeDefinition(min = "1", description = "Time one health check may take: connect, TLS handshake, request and status line")
    long health_check_timeout_ms() default 2_000;

    @AttributeDefinition(min = "1", max = "100", description = "Consecutive passed health checks that bring a backend taken out by the check back")
    int health_check_rise() default 2;

    @AttributeDefinition(min = "1", max = "100", description = "Consecutive failed health checks that take a backend out")
    int health_check_fall() default 3;

    @AttributeDefinition(min = "1", max = "1024", description = "Most health checks in progress at once (each holds a thread of the check's pool while it runs)")
    int health_check_concurrency() default 16;

    @AttributeDefinition(min = "0", max = "1000000", description = "Consecutive 5xx answers from a backend that eject it (outlier detection); 0: off")
    int health_outlier_5xx() default 0;

    @AttributeDefinition(min = "0", max = "1000000", description = "Consecutive backend timeouts (no response within timeout.backend.ms) that eject a backend; 0: off")
    int health_outlier_timeouts() default 0;

    @AttributeDefinition(min = "1", description = "How long a first ejection lasts; the n-th lasts n times as long, up to health.outlier.ejection.max.ms")
    long health_outlier_ejection_ms() default 30_000;

    @AttributeDefinition(description = "Longest ejection")
    long health_outlier_ejection_max_ms() default 300_000;

    @AttributeDefinition(min = "0", max = "100", description = "Most backends ejected at once by outlier detection, in percent of the configured backends (at least one); beyond it a backend stays in")
    int health_max_ejected_percent() default 50;

    @AttributeDefinition(min = "0", description = "Slow start: for this long after a backend comes back (ejection over, health check passing again) it gets a share of its requests growing from 10 % to all; 0: off")
    long health_slowstart_ms() default 0;

    @AttributeDefinition(min = "0", max = "1000", description = "Retry budget: requests sent to a backend again (after their connection broke before any response byte) may add at most this percentage of the requests of the last 10 s; over it the client gets the error")
    int backend_retry_budget_percent() default 20;

    @AttributeDefinition(min = "0", description = "Retry budget floor: this many retries per second (over the last 10 s) are allowed whatever the percentage says")
    int backend_retry_budget_min_per_second() default 10;

    @AttributeDefinition(min = "0", description = "Requests sent to one backend at once, over all loops, for backends without ;maxconn=N; 0: no limit")
    int backend_maxconn() default 0;

    @AttributeDefinition(min = "0", description = "Requests that may wait for a backend at its maxconn (per backend); beyond it: 503 with Retry-After")
    int backend_queue_size() default 100;

    @AttributeDefinition(min = "1", description = "Time a request waits in a backend's queue for a free slot; then 503 with Retry-After")
    long backend_queue_timeout_ms() default 5_000;

    @AttributeDefinition(min = "1", description = "How often each loop lets its buffer pools shrink to the recent demand (idle "
            + "buffers the last period did not need are dropped), in ms; applied at start")
    long buffer_pool_decay_ms() default 5_000;

    @AttributeDefinition(options = {@Option(value = "off", label = "off"), @Option(value = "v1", label = "v1"), @Option(value = "v2", label = "v2"), @Option(value = "any", label = "any")}, description = "PROXY protocol on the HTTP listener: off, or v1, v2 or any: every connection must "
            + "start with a PROXY header of that version from a peer in proxy.trusted, and the client address it names is "
            + "the one routing, Lua, X-Forwarded-For, the access log and rate limits see")
    String proxy_protocol() default "off";

    @AttributeDefinition(description = "The peers allowed to send a PROXY header (load balancers), CIDRs or addresses, "
            + "comma-separated (10.0.0.0/8, 2001:db8::/32); required when proxy.protocol is on (0.0.0.0/0, ::/0 trusts "
            + "everyone); connections from other peers are closed")
    String proxy_trusted() default "";

    @AttributeDefinition(min = "100", max = "60000", description = "Time a peer has to send the whole PROXY header after connecting; closed after")
    long proxy_timeout_ms() default dev.rsp.config.ProxyProtocolKeys.DEFAULT_TIMEOUT_MS;

    @AttributeDefinition(min = "52", max = "65551", description = "Largest PROXY v2 header in bytes (16 fixed bytes, addresses and TLVs), 52 to "
            + "65551 and at most buffer.size; larger: closed (v1 lines are at most 107 bytes, as the spec says)")
    int proxy_max_v2_bytes() default dev.rsp.config.ProxyProtocolKeys.DEFAULT_MAX_V2_BYTES;

    @AttributeDefinition(description = "DNS servers for backend host names, comma-separated ip[:port] (port 53 by default); empty: the nameservers of /etc/resolv.conf")
    String dns_servers() default "";

    @AttributeDefinition(description = "Hosts file consulted before DNS for backend host names (as the system resolver does); empty: none. localhost is always the loopback address")
    String dns_hosts() default "/etc/hosts";

    @AttributeDefinition(min = "1", description = "Shortest time a DNS answer for a backend is used before it is looked up again (a smaller TTL is raised to it)")
    long dns_ttl_min_ms() default 1_000;

    @AttributeDefinition(min = "1", description = "Longest time a DNS answer for a backend is used before it is looked up again (a larger TTL is lowered to it; also how often names from the hosts file are read again)")
    long dns_ttl_max_ms() default 300_000;

    @AttributeDefinition(min = "0", max = "50", description = "Each re-resolution comes up to this percentage of the TTL early, at random, so that rsp instances do not query in step")
    int dns_jitter_percent() default 10;

    @AttributeDefinition(min = "0", description = "How long the last good answer of a backend name is kept while its lookups fail; after it the backend is unresolved (its connects fail) until a lookup succeeds")
    long dns_hold_ms() default 300_000;

    @AttributeDefinition(min = "1", description = "Time before a failed lookup of a backend name is tried again")
    long dns_retry_ms() default 2_000;

    @AttributeDefinition(min = "1", description = "Time one DNS lookup may take (all servers and retries)")
    long dns_timeout_ms() default 5_000;

    @AttributeDefinition(description = "Open the HTTP and TLS listeners with SO_REUSEPORT, so that a second rsp process "
            + "(bin/rsp upgrade) can listen on the same ports while this one drains; false: a port in use fails the start. "
            + "Applied when a listener opens")
    boolean listen_reuseport() default true;

    @AttributeDefinition(min = "1", description = "At a stop, how long a connection accepted just before it (no request yet) may take "
            + "to send its first request, which is then served with Connection: close; after that it is closed")
    long timeout_stop_new_ms() default 1_000;

    @AttributeDefinition(min = "1", description = "When the HTTP port is already served by another process at start (a rolling upgrade "
            + "with listen.reuseport), the longest this rsp holds its accepting until its routing is ready (the strategies "
            + "of routing.chain registered, at least one backend); connections wait in the kernel's queue meanwhile")
    long listen_reuseport_ready_ms() default 10_000;

    @AttributeDefinition(description = "Hosts whose plain HTTP requests are redirected to HTTPS (example.com, *.example.com, * for every host), comma-separated; empty: none. ACME HTTP-01 challenges are never redirected")
    String redirect_https() default "";

    @AttributeDefinition(description = "Status of the redirect to HTTPS: 301 (browsers may turn a POST into a GET) or 308 (method and body kept)")
    int redirect_https_status() default 301;

    @AttributeDefinition(description = "Port in the Location of the redirect to HTTPS: the TLS listener's public port (443 is left out of the URL)")
    int redirect_https_port() default 443;

    @AttributeDefinition(description = "Rewrite Location, Content-Location and Refresh in responses when they name the backend's own address (its host:port as configured, its IP, localhost) to the scheme and host the client used, as nginx's proxy_redirect default")
    boolean rewrite_location() default true;

    @AttributeDefinition(description = "Peers (proxies in front of rsp) whose X-Forwarded-For / Forwarded lists are kept and "
            + "appended to, and whose list names the client (the rightmost untrusted address): CIDRs or addresses, "
            + "comma-separated; empty: no one, every incoming list is replaced. The peer is the PROXY-header client when "
            + "proxy.protocol is on")
    String forwarded_trusted() default "";

    @AttributeDefinition(options = {@Option(value = "x-forwarded", label = "x-forwarded"), @Option(value = "forwarded", label = "forwarded"), @Option(value = "both", label = "both")}, description = "Which forwarding fields rsp writes (and reads from trusted peers): x-forwarded "
            + "(X-Forwarded-For, -Proto, -Host), forwarded (RFC 7239 Forwarded) or both")
    String forwarded_header() default "x-forwarded";

    @AttributeDefinition(description = "Largest request body in bytes (a size: 10m); a larger Content-Length gets 413 before "
            + "the backend sees anything, a chunked or HTTP/2 body 413 (or a cut) once it passes it; 0: no limit")
    long limits_body_bytes() default 0;

    @AttributeDefinition(description = "Body limits per host pattern, overriding limits.body.bytes: pattern=size, "
            + "comma-separated (upload.example.com=1g, *.example.com=10m, *=1m); 0: no limit for those hosts")
    String limits_body_hosts() default "";

    @AttributeDefinition(description = "Tracing: for a request without a valid W3C traceparent, never start a trace (it "
            + "passes as it came), or start one that is sampled always or for a percentage (0% to 100%, e.g. 10%): the "
            + "backend gets a traceparent with rsp's span id, the access log the trace id")
    String tracing_start() default "never";

    @AttributeDefinition(description = "Tracing: OTLP/HTTP traces URL of a collector (e.g. http://127.0.0.1:4318/v1/traces) "
            + "that gets one span per sampled exchange, as JSON; rsp is then a hop of every trace it forwards. Empty: no export")
    String tracing_otlp_endpoint() default "";

    @AttributeDefinition(description = "Tracing: most spans waiting for export; beyond it spans are dropped (trace.spans.dropped)")
    int tracing_otlp_queue_spans() default 2048;

    @AttributeDefinition(description = "Tracing: most spans in one export request; a full batch is sent at once")
    int tracing_otlp_batch_spans() default 512;

    @AttributeDefinition(description = "Tracing: longest time a span waits before its batch is sent")
    long tracing_otlp_interval_ms() default 1_000;

    @AttributeDefinition(description = "Tracing: time one export request may take (connect and answer)")
    long tracing_otlp_timeout_ms() default 10_000;

    @AttributeDefinition(description = "Tracing: sends of one batch at most, when the collector answers 429, 502, 503 or "
            + "504 or cannot be reached (backoff from 250 ms, doubling, or its Retry-After)")
    int tracing_otlp_tries() default 3;

    @AttributeDefinition(description = "Tracing: service.name of the exported spans")
    String tracing_service_name() default "rsp";

    @AttributeDefinition(description = "Tracing: fields added to every export request, name=value, comma-separated, values "
            + "percent-encoded where they hold a comma (e.g. a hosted collector's API key: x-api-key=...)")
    String tracing_otlp_headers() default "";

    @AttributeDefinition(description = "Size of the larger input buffer a backend connection moves up to while a large "
            + "response keeps filling its buffer.size one (fewer system calls per MiB); 0, or any size not above "
            + "buffer.size: off (the default: on loopback it made 1 MiB responses slower). Applied at start", min = "0",
            max = "1048576")
    int buffer_bulk_size() default 0;

    @AttributeDefinition(description = "Response compression: off, or gzip (for a client whose Accept-Encoding takes it, "
            + "a response of a compression.types type the backend did not compress). Costs CPU on the loop threads")
    String compression() default "off";

    @AttributeDefinition(description = "Media types compressed (no parameters; type/* covers a type), comma-separated")
    String compression_types() default "text/html, text/css, text/plain, text/javascript, text/xml, text/csv, "
            + "text/markdown, application/javascript, application/json, application/xml, application/xhtml+xml, "
            + "application/rss+xml, application/atom+xml, application/ld+json, application/manifest+json, "
            + "application/geo+json, application/wasm, image/svg+xml, image/x-icon";

    @AttributeDefinition(description = "A response whose Content-Length is below this many bytes is sent uncompressed "
            + "(a size: 1k); one without a length is compressed")
    long compression_min_bytes() default 1024;

    @AttributeDefinition(description = "Deflate level of compressed responses: 1 (fastest) to 9 (smallest)")
    int compression_level() default 5;

    @AttributeDefinition(description = "Hosts whose responses are compressed (example.com, *.example.com, *), "
            + "comma-separated; empty: every host")
    String compression_hosts() default "";

    @AttributeDefinition(description = "Most responses compressed at once (each holds about 256 KB of zlib memory); "
            + "beyond it responses are sent uncompressed (compression.skipped.busy)")
    int compression_max_active() default 256;
}
