package dev.rsp.core.net;

import javax.net.ssl.SSLEngine;

/**
 * What differs between TLS engine implementations for the transport above them: how much plaintext room a read
 * needs after the window, how large a ciphertext buffer must be, and whether an engine holds memory that must be
 * given back explicitly (a native engine). Buffer pools are kept per kind, sized by the kind's own first engine, so an
 * engine of one kind never gets buffers sized for another. Implementations are stateless and shared.
 */
public interface TlsEngineKind {

    /** The JDK's engine (JSSE): sizes from its session, nothing to release. */
    TlsEngineKind JSSE = new TlsEngineKind() {
        @Override
        public String name() {
            return "jsse";
        }

        @Override
        public int plainRoom(SSLEngine engine) {
            return engine.getSession().getApplicationBufferSize();
        }

        @Override
        public int packetSize(SSLEngine engine) {
            return engine.getSession().getPacketBufferSize();
        }

        @Override
        public void release(SSLEngine engine) {
            // the garbage collector owns everything a JSSE engine holds
        }

        @Override
        public String toString() {
            return name();
        }
    };

    String name();

    /** Plaintext room needed after the window for one whole record to be decrypted. */
    int plainRoom(SSLEngine engine);

    /** Bytes of one ciphertext buffer: at least one whole record. */
    int packetSize(SSLEngine engine);

    /** Gives back what {@code engine} holds outside the Java heap; called once, when its connection closes. */
    void release(SSLEngine engine);

    /** The kind of {@code engine}. Only JSSE is known today; a native engine adds its kind here. */
    static TlsEngineKind of(SSLEngine engine) {
        return JSSE;
    }
}
