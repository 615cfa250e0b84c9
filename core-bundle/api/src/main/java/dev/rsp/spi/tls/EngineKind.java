package dev.rsp.spi.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The implementation behind a {@link TlsEngine}'s {@link SSLEngine}, as far as the core must know it: a stable name
 * for logs and metrics, and how to give back what an engine holds outside the Java heap. The core sees every engine
 * as a plain {@code SSLEngine} and never imports the implementation (a native engine's library stays inside the TLS
 * bundle that made it).
 *
 * <p>A TLS bundle uses one shared, stateless object per kind (the core keeps buffer pools per kind, compared with
 * {@code equals}), e.g. {@link #JSSE} for the JDK's engines.
 */
@ConsumerType
public interface EngineKind {

    /** The JDK's engine: the garbage collector owns everything it holds. */
    EngineKind JSSE = new EngineKind() {
        @Override
        public String name() {
            return "jsse";
        }

        @Override
        public void release(SSLEngine engine) {
            // nothing outside the heap
        }

        @Override
        public String toString() {
            return name();
        }
    };

    /**
     * Whether the handshake {@code engine} completed resumed an earlier session (a session ticket, a TLS 1.3 pre-shared
     * key from one, or a TLS 1.2 session id) instead of making a new one with a key exchange and a certificate
     * signature. The core calls it once per engine, on its loop, right after the handshake completed, and counts
     * {@code tls.handshake.resumed} or {@code tls.handshake.full}. Cheap, never blocking; an exception counts as full.
     *
     * <p>The default reads the session's creation time: a session created before the handshake began was resumed.
     * That is right for the JDK's engine, whose sessions keep their creation time (in milliseconds) when resumed from
     * its cache or from a ticket. A kind whose sessions do not (BoringSSL's keep seconds) overrides it.
     *
     * @param begunMillis {@link System#currentTimeMillis()} taken before the engine saw the ClientHello
     * @since 0.4.0
     */
    default boolean resumed(SSLEngine engine, long begunMillis) {
        SSLSession session = engine.getSession();
        return session != null && session.getCreationTime() < begunMillis;
    }

    /** A short stable name, e.g. {@code jsse} or {@code boringssl}: shown in metrics, counters and logs. */
    String name();

    /**
     * Gives back what {@code engine}, made by this kind, holds outside the Java heap (a native engine's memory). The
     * core calls it exactly once per engine it received, when the connection closes, whatever the reason (also when
     * the handshake failed or never completed, and when the engine could not even be started); the engine is not used
     * afterwards. Called on a core network thread: cheap, never blocking, never throwing.
     */
    void release(SSLEngine engine);
}
