package dev.rsp.core.net;

import dev.rsp.spi.tls.EngineKind;
import java.util.Objects;
import javax.net.ssl.SSLEngine;

/**
 * What differs between TLS engine implementations for the transport above them: how much plaintext room a read
 * needs after the window, how large a ciphertext buffer must be, and how an engine gives back memory outside the heap
 * (a native engine). The implementation is named by the TLS front with each engine ({@link EngineKind}), so the core
 * tells a native engine from the JDK's without importing it. Buffer pools are kept per kind, sized by the kind's own
 * first engine, so an engine of one kind never gets buffers sized for another. Immutable; equal for equal
 * {@link EngineKind}s.
 */
public final class TlsEngineKind {

    /** The JDK's engine (JSSE): sizes from its session, nothing to release. */
    public static final TlsEngineKind JSSE = new TlsEngineKind(EngineKind.JSSE);

    private final EngineKind spi;
    private final String counter;

    private TlsEngineKind(EngineKind spi) {
        this.spi = Objects.requireNonNull(spi, "spi");
        this.counter = "tls.engine." + spi.name();
    }

    /** The kind a TLS front named for its engine. */
    public static TlsEngineKind of(EngineKind kind) {
        return kind == EngineKind.JSSE ? JSSE : new TlsEngineKind(kind);
    }

    public String name() {
        return spi.name();
    }

    /** The counter of the engines of this kind the core was given, {@code tls.engine.<name>}. */
    public String counter() {
        return counter;
    }

    /** Plaintext room needed after the window for one whole record to be decrypted. */
    public int plainRoom(SSLEngine engine) {
        return engine.getSession().getApplicationBufferSize();
    }

    /** Bytes of one ciphertext buffer: at least one whole record. */
    public int packetSize(SSLEngine engine) {
        return engine.getSession().getPacketBufferSize();
    }

    /**
     * Whether {@code engine}'s completed handshake resumed an earlier session ({@link EngineKind#resumed}); false when
     * the kind fails to tell.
     */
    public boolean resumed(SSLEngine engine, long begunMillis) {
        try {
            return spi.resumed(engine, begunMillis);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Gives back what {@code engine} holds outside the Java heap; called exactly once per engine, when its connection
     * closes (or when it could not be started). A failing release is swallowed: the connection is going anyway.
     */
    public void release(SSLEngine engine) {
        try {
            spi.release(engine);
        } catch (RuntimeException ignored) {
            // the front's bug; it must not take the loop's close path down
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TlsEngineKind k && k.spi.equals(spi);
    }

    @Override
    public int hashCode() {
        return spi.hashCode();
    }

    @Override
    public String toString() {
        return name();
    }
}
