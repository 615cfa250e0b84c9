package dev.rsp.tls.front;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Configuration of the TLS listener, PID {@code rsp.tls} ({@code etc/rsp.tls.cfg}, optional: without it the defaults
 * apply). Property names are the method names with {@code _} read as {@code .}. The values are validated by
 * {@link TlsSettings}; a configuration that does not validate is logged and the previous good one stays in force.
 */
@ObjectClassDefinition(name = "rsp TLS", description = "The TLS listener: passthrough by SNI or termination with the "
        + "certificates of a directory")
public @interface TlsConfig {

    @AttributeDefinition(description = "Address and port of the TLS listener, host:port (IPv6 in brackets)")
    String listen() default TlsSettings.DEFAULT_LISTEN;

    @AttributeDefinition(options = {@Option(value = "terminate", label = "terminate"), @Option(value = "passthrough", label = "passthrough")}, description = "terminate (decrypt with the certificates of certs.dir and proxy HTTP) or "
            + "passthrough (route by SNI, relay the encrypted bytes)")
    String mode() default "terminate";

    @AttributeDefinition(name = "certs.dir", description = "The certificate directory: per certificate B.crt (or "
            + "B.pem) and B.key, or one combined B.pem (chain, then key), or certbot's live/<name>/; default.* for the "
            + "default. See etc/certs/README. A relative path is resolved against the rsp home (system property "
            + "rsp.home)")
    String certs_dir() default TlsSettings.DEFAULT_CERTS_DIR;

    @AttributeDefinition(name = "key.password", type = AttributeType.PASSWORD, required = false,
            description = "Password of encrypted private keys")
    String key_password() default "";

    @AttributeDefinition(min = "0", max = "86400000", name = "certs.poll.ms", description = "How often certs.dir is checked for changes; 0 only at "
            + "start and on configuration changes")
    long certs_poll_ms() default TlsSettings.DEFAULT_POLL_MS;

    @AttributeDefinition(min = "1", max = "10000000", name = "certs.cache.size", description = "terminate: most certificates loaded at once (key "
            + "pair and contexts); the least recently used is evicted past it. When every certificate of the index "
            + "fits, all are loaded at start; else each loads when a handshake first asks for its name")
    int certs_cache_size() default TlsSettings.DEFAULT_CERTS_CACHE_SIZE;

    @AttributeDefinition(min = "100", max = "300000", name = "certs.wait.timeout.ms", description = "terminate: how long a handshake may wait for "
            + "its certificate to be loaded (or issued on demand by rsp.acme) before the connection is closed")
    long certs_wait_timeout_ms() default TlsSettings.DEFAULT_CERTS_WAIT_TIMEOUT_MS;

    @AttributeDefinition(name = "selfsigned.default", description = "Without default.crt in certs.dir, serve a "
            + "self-signed certificate for localhost and *.example.com generated in memory (for the demo)")
    boolean selfsigned_default() default false;

    @AttributeDefinition(min = "512", max = "1048576", name = "hello.max.bytes", description = "Most bytes a ClientHello may take, record headers "
            + "included")
    int hello_max_bytes() default TlsSettings.DEFAULT_HELLO_MAX_BYTES;

    @AttributeDefinition(min = "100", max = "600000", name = "hello.timeout.ms", description = "Time a client has to send its ClientHello")
    long hello_timeout_ms() default TlsSettings.DEFAULT_HELLO_TIMEOUT_MS;

    @AttributeDefinition(description = "TLS versions offered when terminating, comma-separated")
    String protocols() default TlsSettings.DEFAULT_PROTOCOLS;

    @AttributeDefinition(description = "Cipher suites offered when terminating, comma-separated, in preference order; "
            + "those the JDK does not support are left out with a warning")
    String ciphers() default TlsSettings.DEFAULT_CIPHERS;

    @AttributeDefinition(options = {@Option(value = "auto", label = "auto"), @Option(value = "native", label = "native"), @Option(value = "jsse", label = "jsse")}, description = "terminate: the TLS engine. auto: BoringSSL (native, linux-x86_64) where it "
            + "loads, else the JDK's; native: BoringSSL or a failed start; jsse: the JDK's")
    String engine() default "auto";

    @AttributeDefinition(description = "terminate: application protocols answered by ALPN, comma-separated, in "
            + "preference order (rsp speaks h2 and http/1.1); empty answers none")
    String alpn() default TlsSettings.DEFAULT_ALPN;

    @AttributeDefinition(options = {@Option(value = "auto", label = "auto"), @Option(value = "true", label = "true"), @Option(value = "false", label = "false")}, name = "prefer.client.ciphers", description = "terminate: whose cipher suite order decides. "
            + "auto: the client's when every suite in ciphers is strong (forward secrecy and AEAD), else rsp's; "
            + "true: the client's; false: rsp's")
    String prefer_client_ciphers() default TlsSettings.DEFAULT_PREFER_CLIENT_CIPHERS;

    @AttributeDefinition(name = "tickets.keys.file", required = false, description = "terminate: a file of session "
            + "ticket keys, one per line, each 48 random bytes in base64 (openssl rand -base64 48); the first encrypts "
            + "new tickets, all decrypt. Re-read when it changes (every certs.poll.ms). Several instances sharing it "
            + "resume each other's sessions, also across restarts (BoringSSL engine only: the JDK's keeps its own "
            + "keys). Empty: each engine's own random keys. A relative path is resolved against the rsp home")
    String tickets_keys_file() default "";

    @AttributeDefinition(min = "0", max = "10000000", name = "session.cache.size", description = "terminate: sessions kept per certificate for "
            + "resumption by session id (TLS 1.2 clients without tickets); 0: no limit")
    int session_cache_size() default TlsSettings.DEFAULT_SESSION_CACHE_SIZE;

    @AttributeDefinition(min = "1000", max = "604800000", name = "session.timeout.ms", description = "terminate: how long a session may be resumed, "
            + "by id or by ticket (whole seconds, 1 s to 7 days)")
    long session_timeout_ms() default TlsSettings.DEFAULT_SESSION_TIMEOUT_MS;

    @AttributeDefinition(name = "ocsp.stapling", description = "terminate: fetch OCSP responses for certificates that "
            + "name a responder and staple them to handshakes (BoringSSL engine only)")
    boolean ocsp_stapling() default true;

    @AttributeDefinition(min = "100", max = "300000", name = "ocsp.fetch.timeout.ms", description = "terminate: how long one OCSP fetch may take as "
            + "a whole (connect, request, the answer's head and body, at most 64 KiB); a responder that stalls or "
            + "trickles is given up then, and the certificate is served without a staple until a retry succeeds")
    long ocsp_fetch_timeout_ms() default TlsSettings.DEFAULT_OCSP_FETCH_TIMEOUT_MS;

    @AttributeDefinition(name = "passthrough.default.backend", required = false, description = "passthrough: the "
            + "backend that gets connections without SNI; empty closes them")
    String passthrough_default_backend() default "";

    @AttributeDefinition(min = "0", max = "65535", name = "passthrough.backend.port", description = "passthrough: the port backends take TLS "
            + "on; 0 uses each backend's own port")
    int passthrough_backend_port() default 0;

    @AttributeDefinition(name = "proxy.protocol", description = "PROXY protocol on the TLS listener: off, or v1, v2 or "
            + "any: every connection must start with a PROXY header of that version from a peer in proxy.trusted, read "
            + "before the ClientHello; the client address it names is the one routing, Lua, X-Forwarded-For, the access "
            + "log and rate limits see")
    String proxy_protocol() default "off";

    @AttributeDefinition(name = "proxy.trusted", description = "The peers allowed to send a PROXY header (load "
            + "balancers), CIDRs or addresses, comma-separated (10.0.0.0/8, 2001:db8::/32); required when proxy.protocol "
            + "is on (0.0.0.0/0, ::/0 trusts everyone); connections from other peers are closed")
    String proxy_trusted() default "";

    @AttributeDefinition(name = "proxy.timeout.ms", description = "Time a peer has to send the whole PROXY header "
            + "after connecting; closed after")
    long proxy_timeout_ms() default dev.rsp.config.ProxyProtocolKeys.DEFAULT_TIMEOUT_MS;

    @AttributeDefinition(name = "proxy.max.v2.bytes", description = "Largest PROXY v2 header in bytes (16 fixed bytes, "
            + "addresses and TLVs), 52 to 65551, capped at the core's buffer.size; larger: closed")
    int proxy_max_v2_bytes() default dev.rsp.config.ProxyProtocolKeys.DEFAULT_MAX_V2_BYTES;
}
