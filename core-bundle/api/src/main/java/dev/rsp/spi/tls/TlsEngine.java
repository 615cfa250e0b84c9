package dev.rsp.spi.tls;

import java.util.Objects;
import javax.net.ssl.SSLEngine;

/**
 * A server-mode engine made for one connection by {@link Termination#newEngine}, with its {@link EngineKind}. From the
 * moment the core receives it, the core owns it: it drives it with {@code wrap}/{@code unwrap} on its loop (delegated
 * tasks elsewhere) and calls {@code kind.release(engine)} exactly once when the connection closes.
 *
 * <p>After the handshake, {@link SSLEngine#getApplicationProtocol()} is the ALPN protocol chosen, for every kind; when
 * none was, the JDK's engine says {@code ""} and Netty's OpenSSL engine {@code null} (the core reads both as none).
 */
public record TlsEngine(SSLEngine engine, EngineKind kind) {
    public TlsEngine {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(kind, "kind");
    }
}
