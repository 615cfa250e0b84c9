package dev.rsp.core;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the core, PID {@code rsp.core} ({@code etc/rsp.core.cfg}). Property names are the method names
 * with {@code _} read as {@code .}: {@code http.listen}, {@code timeout.header.ms}, ...
 */
@ObjectClassDefinition(name = "rsp core", description = "Listeners, loops, limits, timeouts and the routing chain")
public @interface CoreConfig {

    @AttributeDefinition(description = "Address and port of the HTTP listener, host:port")
    String http_listen() default "0.0.0.0:8080";

    @AttributeDefinition(description = "Number of selector loops; 0 means one per core. Applied at start")
    int loops() default 0;

    @AttributeDefinition(description = "Routing strategies by name, tried in order")
    String routing_chain() default "reload-path, host-hash";

    @AttributeDefinition(description = "Size of every I/O buffer in bytes; a connection holds at most two per direction. Applied at start")
    int buffer_size() default 16384;

    @AttributeDefinition(description = "Longest request line in bytes (414 beyond)")
    int limits_request_line() default 8192;

    @AttributeDefinition(description = "Longest request head in bytes (431 beyond); at most buffer.size")
    int limits_head_bytes() default 16384;

    @AttributeDefinition(description = "Most header fields in a head (431 beyond)")
    int limits_headers() default 100;

    @AttributeDefinition(description = "Memory budget of rsp's JVM in bytes (heap, direct buffers and the rest): bin/rsp derives the JVM's heap and direct memory limits from it at start, and the engine answers 503 instead of taking buffers beyond its share")
    long limits_memory() default 1L << 30;

    @AttributeDefinition(description = "Most client connections open at once over all listeners; beyond it accepting pauses and new connections wait in the kernel's accept queue")
    int limits_connections() default 20_000;

    @AttributeDefinition(description = "Time a client has to send a complete request head (408 after)")
    long timeout_header_ms() default 10_000;

    @AttributeDefinition(description = "Time without progress before a connection is closed (keep-alive and transfers)")
    long timeout_idle_ms() default 60_000;

    @AttributeDefinition(description = "Time to connect to a backend before trying the next candidate")
    long timeout_connect_ms() default 5_000;

    @AttributeDefinition(description = "Time a backend has to start its response (504 after)")
    long timeout_backend_ms() default 60_000;

    @AttributeDefinition(description = "Time a request waits for a routing strategy to appear (503 after)")
    long timeout_grace_ms() default 2_000;

    @AttributeDefinition(description = "Time in-flight requests get to finish when rsp stops")
    long timeout_stop_ms() default 10_000;

    @AttributeDefinition(description = "Most backends tried for one request when connecting fails")
    int backend_tries() default 3;

    @AttributeDefinition(description = "Most idle keep-alive connections kept per backend and loop")
    int backend_pool_max_idle() default 1024;

    @AttributeDefinition(description = "Time an idle pooled backend connection is kept")
    long backend_pool_idle_ms() default 30_000;

    @AttributeDefinition(description = "PEM file of the certificate authorities that backends marked ;tls must be signed by (relative to rsp's home); empty: the JDK's default trust store")
    String backend_tls_ca() default "";

    @AttributeDefinition(description = "Consecutive failures that mark a backend down")
    int health_failures() default 3;

    @AttributeDefinition(description = "Time a backend marked down is left alone")
    long health_cooldown_ms() default 10_000;

    @AttributeDefinition(description = "Interval of the active TCP check of every backend; 0 turns it off")
    long health_check_interval_ms() default 0;

    @AttributeDefinition(description = "Protocols an HTTP/1.1 Upgrade may switch to (a tunnel after 101); others are removed from the request. Empty: none")
    String upgrade_protocols() default "websocket";

    @AttributeDefinition(description = "Add a Via field to forwarded requests (off by default, as in HAProxy and nginx: nginx's gzip_proxied off does not compress responses to requests that carry Via)")
    boolean forwarded_via() default false;

    @AttributeDefinition(description = "Access log line format: text, combined (Apache/nginx) or json")
    String access_log_format() default "text";

    @AttributeDefinition(description = "Directory of custom error pages (<status>.html, .json or .txt), relative to rsp's home; missing: built-in pages")
    String errors_dir() default "etc/errors";

    @AttributeDefinition(description = "Largest custom error page in bytes")
    int errors_max_bytes() default 65536;

    @AttributeDefinition(description = "Strict-Transport-Security value added to responses over TLS rsp terminates, unless the backend sent one (max-age=N[; includeSubDomains][; preload]); empty: off")
    String hsts() default "";

    @AttributeDefinition(description = "Hosts the hsts value applies to (example.com, *.example.com), comma-separated; empty: every host")
    String hsts_hosts() default "";

    @AttributeDefinition(description = "Accept HTTP/2 with prior knowledge (h2c) on the plain listener: a connection that starts with the HTTP/2 preface speaks HTTP/2, any other HTTP/1.1")
    boolean h2_cleartext() default true;

    @AttributeDefinition(description = "HTTP/2: streams a client may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS); more are refused (REFUSED_STREAM)")
    int h2_max_concurrent_streams() default 100;

    @AttributeDefinition(description = "HTTP/2: streams per connection; then a graceful GOAWAY and the client opens a new connection")
    int h2_max_streams_per_connection() default 1000;

    @AttributeDefinition(description = "HTTP/2: streams a client may reset before their response began (rapid reset) before GOAWAY ENHANCE_YOUR_CALM")
    int h2_max_premature_resets() default 100;

    @AttributeDefinition(description = "HTTP/2: frames that do nothing useful (empty DATA, PRIORITY, unknown types) per connection before GOAWAY ENHANCE_YOUR_CALM")
    int h2_max_glitches() default 1000;

    @AttributeDefinition(description = "HTTP/2: request body bytes a connection may have in flight across its streams (the connection flow-control window)")
    int h2_connection_window() default 1 << 20;

    @AttributeDefinition(description = "HTTP/2: largest decoded header list of a request (names + values + 32 per field); larger: 431")
    int h2_max_header_list_bytes() default 32768;

    @AttributeDefinition(description = "How often each loop lets its buffer pools shrink to the recent demand (idle "
            + "buffers the last period did not need are dropped), in ms; applied at start")
    long buffer_pool_decay_ms() default 5_000;
}
