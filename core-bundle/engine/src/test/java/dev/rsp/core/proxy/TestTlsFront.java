package dev.rsp.core.proxy;

import dev.rsp.spi.tls.EngineKind;
import dev.rsp.spi.tls.Inspection;
import dev.rsp.spi.tls.Passthrough;
import dev.rsp.spi.tls.Termination;
import dev.rsp.spi.tls.TlsEngine;
import dev.rsp.spi.tls.TlsFront;
import dev.rsp.spi.tls.TlsHandling;
import dev.rsp.tls.hello.ClientHello;
import dev.rsp.tls.hello.ClientHelloParser;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

/**
 * A {@link TlsFront} for the core's tests: inspects with the TLS bundle's ClientHello parser, serves one certificate
 * per exact server name (or a default), on 127.0.0.1 and a free port.
 */
final class TestTlsFront implements TlsFront {

    private final TlsHandling handling;
    private final Map<String, SSLContext> contexts;
    private final SSLContext fallback;
    private final Duration helloTimeout;
    private final Optional<String> defaultBackend;
    private final int backendPort;
    final AtomicInteger inspections = new AtomicInteger();
    /** What {@link Termination#prepare} answers (default: ready); the hellos it saw. */
    volatile java.util.function.Function<Inspection.Hello, Optional<java.util.concurrent.CompletionStage<?>>> prepare =
            h -> Optional.empty();
    volatile Duration prepareTimeout = Duration.ofSeconds(10);
    /** What {@link #proxyProtocol()} answers (default: no PROXY header). */
    volatile dev.rsp.spi.tls.ProxyProtocol proxyProtocol = dev.rsp.spi.tls.ProxyProtocol.OFF;
    /** Makes engines whose handshake cannot begin. */
    volatile boolean brokenEngines;
    /** The kind of every engine this front makes: JDK engines whose releases are counted. */
    final CountingKind kind = new CountingKind();

    /** Counts, per engine made, the core's calls of {@link EngineKind#release}: exactly one each is the contract. */
    static final class CountingKind implements EngineKind {
        private final Map<SSLEngine, Integer> releases = Collections.synchronizedMap(new IdentityHashMap<>());

        void made(SSLEngine e) {
            releases.put(e, 0);
        }

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public void release(SSLEngine engine) {
            releases.merge(engine, 1, Integer::sum);
        }

        int made() {
            return releases.size();
        }

        /** Engines released exactly once; every made engine once its connection closed. */
        long releasedOnce() {
            synchronized (releases) {
                return releases.values().stream().filter(n -> n == 1).count();
            }
        }

        /** Engines released more than once (must stay 0). */
        long releasedTwice() {
            synchronized (releases) {
                return releases.values().stream().filter(n -> n > 1).count();
            }
        }

        @Override
        public String toString() {
            synchronized (releases) {
                return releases.values().toString();
            }
        }
    }

    private TestTlsFront(boolean terminate, Map<String, SSLContext> contexts, SSLContext fallback, Duration helloTimeout,
            Optional<String> defaultBackend, int backendPort) {
        this.handling = terminate ? new Terminate() : new Relay();
        this.contexts = contexts;
        this.fallback = fallback;
        this.helloTimeout = helloTimeout;
        this.defaultBackend = defaultBackend;
        this.backendPort = backendPort;
    }

    static TestTlsFront terminate(Map<String, SSLContext> byName, SSLContext fallback, Duration helloTimeout) {
        return new TestTlsFront(true, byName, fallback, helloTimeout, Optional.empty(), 0);
    }

    static TestTlsFront passthrough(Optional<String> defaultBackend, int backendPort) {
        return new TestTlsFront(false, Map.of(), null, Duration.ofSeconds(10), defaultBackend, backendPort);
    }

    @Override
    public InetSocketAddress listenAddress() {
        return new InetSocketAddress("127.0.0.1", 0);
    }

    @Override
    public TlsHandling handling() {
        return handling;
    }

    @Override
    public int maxHelloBytes() {
        return ClientHelloParser.DEFAULT_MAX_BYTES;
    }

    @Override
    public Duration helloTimeout() {
        return helloTimeout;
    }

    @Override
    public dev.rsp.spi.tls.ProxyProtocol proxyProtocol() {
        return proxyProtocol;
    }

    @Override
    public Inspection inspect(ByteBuffer received) {
        inspections.incrementAndGet();
        ClientHelloParser p = new ClientHelloParser(maxHelloBytes());
        return switch (p.parse(received)) {
            case NEED_MORE -> Inspection.NEED_MORE;
            case REJECT -> new Inspection.Reject(p.rejection().reason().counter(), p.rejection().detail(),
                    ClientHelloParser.looksLikeHttp(received));
            case DONE -> {
                ClientHello h = p.hello();
                yield new Inspection.Hello(h.serverName(), h.alpn(), List.of());
            }
        };
    }

    private final class Terminate implements Termination {
        @Override
        public Optional<java.util.concurrent.CompletionStage<?>> prepare(Inspection.Hello hello) {
            return prepare.apply(hello);
        }

        @Override
        public Duration prepareTimeout() {
            return prepareTimeout;
        }

        @Override
        public Optional<TlsEngine> newEngine(Inspection.Hello hello, InetSocketAddress peer) {
            SSLContext ctx = hello.serverName().map(contexts::get).orElse(null);
            if (ctx == null) {
                ctx = fallback;
            }
            if (ctx == null) {
                return Optional.empty();
            }
            SSLEngine e = ctx.createSSLEngine(peer.getHostString(), peer.getPort());
            if (!brokenEngines) {
                // without a mode, beginHandshake throws
                e.setUseClientMode(false);
            }
            kind.made(e);
            return Optional.of(new TlsEngine(e, kind));
        }

        @Override
        public EngineKind engineKind() {
            return kind;
        }

        @Override
        public boolean covers(SSLSession session, String host) {
            Certificate[] local = session.getLocalCertificates();
            if (local == null || local.length == 0) {
                return false;
            }
            try {
                var sans = ((X509Certificate) local[0]).getSubjectAlternativeNames();
                return sans != null && sans.stream().anyMatch(san -> host.equals(san.get(1)));
            } catch (CertificateParsingException e) {
                return false;
            }
        }
    }

    private final class Relay implements Passthrough {
        @Override
        public Optional<String> defaultBackend() {
            return defaultBackend;
        }

        @Override
        public int backendPort() {
            return backendPort;
        }
    }
}
