package dev.rsp.core.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLSession;

/**
 * How an {@link Endpoint}'s bytes cross its socket: as they are ({@link PlainTransport}) or through a TLS engine
 * ({@link TlsTransport}). The endpoint above owns the input window and the interest the owner asked for; the
 * transport turns them into socket reads, writes and interest, so nothing above it knows whether the bytes are
 * encrypted. Loop thread only.
 */
interface Transport {

    /**
     * Reads into the free space after {@code window}'s limit (the window is in read mode: position to limit is what
     * the owner has not consumed) and moves the limit past what was added.
     *
     * @return bytes added, 0 when none now (or no room), -1 at the end of the stream
     */
    int read(ByteBuffer window) throws IOException;

    /** Writes what it can of {@code srcs}; returns the bytes of {@code srcs} taken (0 while earlier bytes wait). */
    long write(ByteBuffer[] srcs) throws IOException;

    /** True when the window cannot take a read without compaction. */
    boolean windowFull(ByteBuffer window);

    /** The socket interest this transport needs, given what the owner wants. */
    int effectiveInterest(int wanted);

    /** The owner turned read interest on: input the selector cannot see (buffered below the window) must wake it. */
    void readInterestOn();

    /** True when input waits below the window (whole TLS records), so the owner has something to read. */
    boolean hasBufferedInput();

    /** True when received bytes wait below the window, whole records or part of one (TLS). */
    default boolean holdsInput() {
        return false;
    }

    /** True when written bytes wait below the socket. */
    boolean pendingOutput();

    /** True while a handshake runs: nothing may be written yet. */
    boolean handshaking();

    /** The TLS session once established; null for a plain transport and during a handshake. */
    SSLSession session();

    /** The ALPN protocol the TLS handshake chose ({@code ""} for none); null for a plain transport and during a handshake. */
    default String applicationProtocol() {
        return null;
    }

    /** Whether the completed TLS handshake resumed an earlier session; false for a plain transport and during a handshake. */
    default boolean resumed() {
        return false;
    }

    /** Ends the output after what is pending (TLS: close_notify), then shuts the socket's output. */
    void shutdownOutput();

    /** Gives back buffers that hold nothing (an idle connection keeps none). */
    void releaseIdle();

    /** Releases everything; the socket is closed by the endpoint afterwards. */
    void close();
}
