package dev.rsp.tls.front;

import dev.rsp.config.Addresses;
import dev.rsp.config.Cidr;
import dev.rsp.config.ProxyProtocolKeys;
import dev.rsp.config.ValueReader;
import dev.rsp.spi.tls.ProxyProtocol;
import dev.rsp.tls.hello.ClientHelloParser;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The validated configuration of {@code rsp.tls} ({@link TlsConfig} describes the properties). {@link #parse} checks
 * every property and reports each bad one by name; nothing here touches the network or the file system.
 *
 * @param keyPassword never printed by {@link #toString()}
 */
public record TlsSettings(InetSocketAddress listen, Mode mode, Path certsDir, String keyPassword, Duration certsPoll,
        boolean selfSignedDefault, int helloMaxBytes, Duration helloTimeout, List<String> protocols,
        List<String> ciphers, Optional<String> defaultBackend, int backendPort, Engine engine, List<String> alpn,
        boolean preferClientCiphers, Optional<Path> ticketKeysFile, int sessionCacheSize, Duration sessionTimeout,
        boolean ocspStapling, Duration ocspFetchTimeout, int certsCacheSize, Duration certsWaitTimeout,
        ProxyProtocol proxyProtocol) {

    /** What the listener does after the ClientHello (etc/rsp.tls.cfg {@code mode}). */
    public enum Mode { TERMINATE, PASSTHROUGH }

    /**
     * Which TLS engine terminates ({@code engine}): {@code auto} is BoringSSL (Netty's OpenSSL engine) where its native
     * library loads, else the JDK's; {@code native} insists on BoringSSL (the start fails without it); {@code jsse} is
     * the JDK's.
     */
    public enum Engine { AUTO, NATIVE, JSSE }


    static final String DEFAULT_LISTEN = "0.0.0.0:8443";
    static final String DEFAULT_CERTS_DIR = "etc/certs";
    static final long DEFAULT_POLL_MS = 2_000;
    static final int DEFAULT_HELLO_MAX_BYTES = ClientHelloParser.DEFAULT_MAX_BYTES;
    static final long DEFAULT_HELLO_TIMEOUT_MS = 10_000;
    static final String DEFAULT_PROTOCOLS = "TLSv1.3, TLSv1.2";
    /** TLS 1.3's suites, then forward-secret AEAD suites of TLS 1.2 for ECDSA and RSA certificates. */
    static final String DEFAULT_CIPHERS = "TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256, "
            + "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "
            + "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "
            + "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256";

    /** HTTP/2 first, then HTTP/1.1: what browsers and nginx, HAProxy (alpn h2,http/1.1) and Caddy offer. */
    static final String DEFAULT_ALPN = "h2, http/1.1";
    /** Sessions kept for resumption by id, per certificate: nginx's 1 MB shared cache holds about 4,000, HAProxy 20,000. */
    static final int DEFAULT_SESSION_CACHE_SIZE = 20_000;
    /** How long a session may be resumed (by id or ticket): nginx's and HAProxy's 300 s. */
    static final long DEFAULT_SESSION_TIMEOUT_MS = 300_000;
    /** RFC 8446 4.6.1: a ticket lives at most 7 days. */
    static final long MAX_SESSION_TIMEOUT_MS = 604_800_000L;
    static final String DEFAULT_PREFER_CLIENT_CIPHERS = "auto";
    /**
     * One whole OCSP fetch (connect, request, head and body): Apache httpd's SSLStaplingResponderTimeout is 10 s;
     * nginx arms 60 s once per fetch, HAProxy's HTTP client connects within 5 s. A response is a few KB, so 10 s is
     * ample even far away, and the fetches share one thread: a stalled responder delays the other certificates' fetches
     * by at most this much.
     */
    static final long DEFAULT_OCSP_FETCH_TIMEOUT_MS = 10_000;
    static final long MAX_OCSP_FETCH_TIMEOUT_MS = 300_000;
    /**
     * Certificates loaded at once (key pair, JDK context, native context): a platform's busy names in a day are a few
     * thousand; 10,000 covers that with room, at a few tens of KiB each (below 0.5 GiB however large the index is).
     */
    static final int DEFAULT_CERTS_CACHE_SIZE = dev.rsp.tls.certs.CertificateStore.DEFAULT_CACHE_SIZE;
    /** How long a handshake may wait for its certificate (a load takes milliseconds; an ACME issuance seconds). */
    static final long DEFAULT_CERTS_WAIT_TIMEOUT_MS = 10_000;
    /** An ALPN protocol id as configured: 1 to 255 visible ASCII characters (RFC 7301 allows any bytes; names are ASCII). */
    private static final Pattern ALPN_ID = Pattern.compile("[\\x21-\\x7e]{1,255}");
    /** The application protocols rsp speaks behind TLS; a connection that agrees on another is closed. */
    static final Set<String> SPOKEN_ALPN = Set.of("h2", "http/1.1");

    private static final Pattern BACKEND_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    /** Names a reader of the brief might write; the repository's durations are milliseconds named *.ms. */
    private static final Map<String, String> RENAMED = Map.of("hello.timeout", "hello.timeout.ms",
            "certs.poll", "certs.poll.ms", "session.timeout", "session.timeout.ms", "session.timeout.s",
            "session.timeout.ms", "ocsp.fetch.timeout", "ocsp.fetch.timeout.ms");

    /** The outcome of {@link #parse}. */
    public sealed interface Parsed {
    }

    /** Usable; {@code warnings} are worth a WARN line each (e.g. cipher suites the JDK does not have). */
    public record Valid(TlsSettings settings, List<String> warnings) implements Parsed {
    }

    /** Not usable: one line per bad property, each naming it. */
    public record Invalid(List<String> errors) implements Parsed {
    }

    /** What the JDK offers, to check protocols and cipher suites against. */
    public record Supported(Set<String> protocols, Set<String> ciphers) {
        public static Supported byJdk() {
            try {
                SSLParameters p = SSLContext.getDefault().getSupportedSSLParameters();
                return new Supported(Set.of(p.getProtocols()), Set.of(p.getCipherSuites()));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK has no default TLS context", e);
            }
        }
    }

    @Override
    public String toString() {
        return "TlsSettings[listen=" + listen + ", mode=" + mode + ", certs.dir=" + certsDir + ", key.password="
                + (keyPassword.isEmpty() ? "(none)" : "(set)") + ", certs.poll=" + certsPoll + ", selfsigned.default="
                + selfSignedDefault + ", hello.max.bytes=" + helloMaxBytes + ", hello.timeout=" + helloTimeout
                + ", protocols=" + protocols + ", ciphers=" + ciphers + ", passthrough.default.backend="
                + defaultBackend.orElse("") + ", passthrough.backend.port=" + backendPort + ", engine="
                + engine.name().toLowerCase(java.util.Locale.ROOT) + ", alpn=" + alpn + ", prefer.client.ciphers="
                + preferClientCiphers + ", tickets.keys.file=" + ticketKeysFile.map(Path::toString).orElse("")
                + ", session.cache.size=" + sessionCacheSize + ", session.timeout=" + sessionTimeout + ", ocsp.stapling="
                + ocspStapling + ", ocsp.fetch.timeout=" + ocspFetchTimeout + ", certs.cache.size=" + certsCacheSize
                + ", certs.wait.timeout=" + certsWaitTimeout + ", proxy=" + proxyProtocol + "]";
    }

    /**
     * Validates a configuration's properties (strings as FileInstall gives them, or typed values); a missing property
     * takes its default. Properties this component does not know are ignored.
     */
    public static Parsed parse(Map<String, ?> properties, Supported supported) {
        List<String> errors = new ArrayList<>();
        ValueReader r = new ValueReader(properties, errors);
        RENAMED.forEach((old, now) -> {
            if (properties.containsKey(old)) {
                errors.add(old + ": not a property of rsp.tls; use " + now + " (milliseconds)");
            }
        });
        InetSocketAddress listen = address(r.string("listen", DEFAULT_LISTEN), errors);
        Mode mode = switch (r.string("mode", "terminate").toLowerCase(java.util.Locale.ROOT)) {
            case "terminate" -> Mode.TERMINATE;
            case "passthrough" -> Mode.PASSTHROUGH;
            default -> {
                errors.add("mode = '" + r.string("mode", "") + "': expected terminate or passthrough");
                yield null;
            }
        };
        String dir = r.string("certs.dir", DEFAULT_CERTS_DIR);
        if (dir.isEmpty()) {
            errors.add("certs.dir: must name a directory");
        }
        Path certsDir = dir.isEmpty() ? null : resolveHome(dir);
        String password = r.raw("key.password").map(String::valueOf).orElse("");
        long poll = r.number("certs.poll.ms", DEFAULT_POLL_MS, 0, 86_400_000L);
        boolean selfSigned = r.bool("selfsigned.default", false);
        long maxBytes = r.number("hello.max.bytes", DEFAULT_HELLO_MAX_BYTES, 512, 1 << 20);
        long timeout = r.number("hello.timeout.ms", DEFAULT_HELLO_TIMEOUT_MS, 100, 600_000);
        List<String> protocols = list(r.string("protocols", DEFAULT_PROTOCOLS));
        if (protocols.isEmpty()) {
            errors.add("protocols: name at least one, e.g. TLSv1.3, TLSv1.2");
        }
        protocols.stream().filter(p -> !supported.protocols().contains(p)).forEach(p -> errors.add(
                "protocols: '" + p + "' is not a protocol this JDK supports " + new java.util.TreeSet<>(supported.protocols())));
        List<String> warnings = new ArrayList<>();
        List<String> wanted = list(r.string("ciphers", DEFAULT_CIPHERS));
        List<String> ciphers = wanted.stream().filter(supported.ciphers()::contains).toList();
        List<String> unknown = wanted.stream().filter(c -> !supported.ciphers().contains(c)).toList();
        if (!unknown.isEmpty()) {
            warnings.add("ciphers: this JDK does not support " + unknown + "; they are left out");
        }
        if (ciphers.isEmpty()) {
            errors.add("ciphers: none of " + wanted + " is supported by this JDK");
        }
        String backend = r.string("passthrough.default.backend", "");
        if (!backend.isEmpty() && !BACKEND_NAME.matcher(backend).matches()) {
            errors.add("passthrough.default.backend = '" + backend + "': not a backend name (letters, digits, . _ -)");
        }
        long port = r.number("passthrough.backend.port", 0, 0, 65_535);
        String engineName = r.string("engine", "auto");
        Engine engine = switch (engineName.toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> Engine.AUTO;
            case "native" -> Engine.NATIVE;
            case "jsse" -> Engine.JSSE;
            default -> {
                errors.add("engine = '" + engineName + "': expected auto, native or jsse");
                yield null;
            }
        };
        List<String> alpn = list(r.string("alpn", DEFAULT_ALPN));
        alpn.stream().filter(a -> !ALPN_ID.matcher(a).matches()).forEach(a -> errors.add("alpn: '" + a
                + "' is not a protocol id (1 to 255 visible ASCII characters, e.g. h2, http/1.1)"));
        alpn.stream().filter(a -> !SPOKEN_ALPN.contains(a)).filter(a -> ALPN_ID.matcher(a).matches()).forEach(a -> warnings.add(
                "alpn: rsp does not speak '" + a + "' behind TLS: a connection that agrees on it is closed "
                        + "(counted as tls.alpn.unspoken)"));
        String order = r.string("prefer.client.ciphers", DEFAULT_PREFER_CLIENT_CIPHERS);
        boolean preferClient = switch (order.toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> ciphers.stream().allMatch(TlsSettings::strong);
            case "true" -> true;
            case "false" -> false;
            default -> {
                errors.add("prefer.client.ciphers = '" + order + "': expected auto, true or false");
                yield false;
            }
        };
        String ticketKeys = r.string("tickets.keys.file", "");
        long cacheSize = r.number("session.cache.size", DEFAULT_SESSION_CACHE_SIZE, 0, 10_000_000);
        long sessionTimeout = r.number("session.timeout.ms", DEFAULT_SESSION_TIMEOUT_MS, 1_000, MAX_SESSION_TIMEOUT_MS);
        boolean stapling = r.bool("ocsp.stapling", true);
        long ocspFetch = r.number("ocsp.fetch.timeout.ms", DEFAULT_OCSP_FETCH_TIMEOUT_MS, 100, MAX_OCSP_FETCH_TIMEOUT_MS);
        long certsCache = r.number("certs.cache.size", DEFAULT_CERTS_CACHE_SIZE, 1, 10_000_000);
        long certsWait = r.number("certs.wait.timeout.ms", DEFAULT_CERTS_WAIT_TIMEOUT_MS, 100, 300_000);
        ProxyProtocol proxy = proxyProtocol(r, errors);
        if (!errors.isEmpty()) {
            return new Invalid(List.copyOf(errors));
        }
        return new Valid(new TlsSettings(listen, mode, certsDir, password, Duration.ofMillis(poll), selfSigned,
                (int) maxBytes, Duration.ofMillis(timeout), protocols, ciphers,
                backend.isEmpty() ? Optional.empty() : Optional.of(backend), (int) port, engine, alpn, preferClient,
                ticketKeys.isEmpty() ? Optional.empty() : Optional.of(resolveHome(ticketKeys)), (int) cacheSize,
                Duration.ofSeconds(sessionTimeout / 1000), stapling, Duration.ofMillis(ocspFetch), (int) certsCache,
                Duration.ofMillis(certsWait), proxy),
                List.copyOf(warnings));
    }

    /**
     * The listener's PROXY protocol keys ({@code proxy.protocol}, {@code proxy.trusted}, {@code proxy.timeout.ms},
     * {@code proxy.max.v2.bytes}), validated as {@code rsp.core}'s are, in the form the core takes; null when invalid
     * (each problem is in {@code errors}).
     */
    static ProxyProtocol proxyProtocol(ValueReader r, List<String> errors) {
        long timeout = r.number("proxy.timeout.ms", ProxyProtocolKeys.DEFAULT_TIMEOUT_MS, ProxyProtocolKeys.MIN_TIMEOUT_MS,
                ProxyProtocolKeys.MAX_TIMEOUT_MS);
        long maxV2 = r.number("proxy.max.v2.bytes", ProxyProtocolKeys.DEFAULT_MAX_V2_BYTES, ProxyProtocolKeys.MIN_MAX_V2_BYTES,
                ProxyProtocolKeys.MAX_MAX_V2_BYTES);
        ProxyProtocolKeys.Values v = ProxyProtocolKeys.read(r.string("proxy.protocol", "off"), r.string("proxy.trusted", ""),
                timeout, maxV2, errors);
        if (v == null) {
            return null;
        }
        if (!v.on()) {
            return ProxyProtocol.OFF;
        }
        return new ProxyProtocol(ProxyProtocol.Versions.valueOf(v.versions().name()),
                v.trusted().stream().map(Cidr::toString).toList(), Duration.ofMillis(v.timeoutMs()), v.maxV2Bytes());
    }

    /**
     * Strong in Mozilla's sense, where the client's order may decide: a TLS 1.3 suite, or a TLS 1.2 suite with forward
     * secrecy (ECDHE or DHE) and an AEAD cipher (AES-GCM or ChaCha20-Poly1305).
     */
    static boolean strong(String suite) {
        if (suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_")) {
            return true;
        }
        boolean forwardSecret = suite.startsWith("TLS_ECDHE_") || suite.startsWith("TLS_DHE_");
        boolean aead = suite.contains("_GCM_") || suite.contains("_CHACHA20_POLY1305_");
        return forwardSecret && aead;
    }

    /**
     * A relative path is resolved against the rsp home (system property {@code rsp.home}), else the working
     * directory; a leading {@code ${rsp.home}} is replaced by it.
     */
    public static Path resolveHome(String path) {
        String home = System.getProperty("rsp.home");
        Path base = home != null ? Paths.get(home) : Paths.get("").toAbsolutePath();
        String p = path.strip();
        if (p.startsWith("${rsp.home}")) {
            p = p.substring("${rsp.home}".length()).replaceFirst("^[/\\\\]+", "");
            return base.resolve(p).normalize();
        }
        Path given = Paths.get(p);
        return given.isAbsolute() ? given.normalize() : base.resolve(given).normalize();
    }

    /**
     * An address {@link Addresses} accepts, whose host resolves now (this runs on the configuration thread, so that
     * the core can bind without a lookup).
     */
    static InetSocketAddress address(String value, List<String> errors) {
        Addresses.Parsed parsed = Addresses.parse(value, Addresses.Ports.LISTEN);
        if (parsed instanceof Addresses.Refused refused) {
            errors.add("listen = '" + value + "': " + refused.reason());
            return null;
        }
        Addresses.Address a = (Addresses.Address) parsed;
        InetSocketAddress resolved = new InetSocketAddress(a.host(), a.port());
        if (resolved.isUnresolved()) {
            errors.add("listen = '" + value + "': cannot resolve " + a.host());
            return null;
        }
        return resolved;
    }

    private static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
    }
}
