package dev.rsp.core.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * TLS under an {@link Endpoint}: the endpoint's input window holds plaintext, this transport keeps the ciphertext and
 * drives the {@link SSLEngine} on the loop thread, so the pipes and parsers above see a plain byte stream.
 *
 * <p>Ciphertext lives in {@link TlsRecords}. A write is refused (returns 0) while encrypted records still wait for
 * the socket, so a slow client holds back its writer exactly as on a plain socket.
 *
 * <p>The selector does not see ciphertext already buffered here. Two things cover that: the endpoint's effective
 * interest adds OP_WRITE while records wait for the socket (any readiness leads the owner to read or write, and both
 * flush first), and asking for read interest while a whole record is buffered queues a wake-up of the
 * owner on the loop. Delegated tasks (JSSE's expensive handshake steps) run in {@link DelegatedTasks}, never on the
 * loop; while they run the endpoint reads nothing. Loop thread only.
 *
 * <p>Renegotiation is refused: once the handshake of a TLS 1.2 (or older) session is done, a record of type handshake
 * from the peer can only start a new handshake (a ClientHello, or a server's HelloRequest), so it fails the read with
 * {@link TlsRenegotiationRefused} before the engine sees it, whatever the engine would do. The record type is in
 * the clear before TLS 1.3; TLS 1.3 has no renegotiation, and its post-handshake messages (KeyUpdate,
 * NewSessionTicket) travel as application data records and reach the engine as usual.
 */
final class TlsTransport implements Transport {

    /** Records wrapped per write call before returning to the loop. */
    private static final int RECORDS_PER_WRITE = 4;
    /** Decrypt steps per read call before yielding (a peer may send many empty records). */
    private static final int STEPS_PER_READ = 64;

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** The content type of a TLS record carrying handshake messages (RFC 5246, 6.2.1). */
    private static final byte HANDSHAKE_RECORD = 22;

    private final Endpoint ep;
    private final SSLEngine engine;
    private final TlsEngineKind kind;
    private final TlsRecords records;
    private final DelegatedTasks tasks;
    private final int minPlainRoom;
    /** Wall-clock milliseconds before the engine saw the ClientHello: what a resumed session was created before. */
    private final long begunMillis = System.currentTimeMillis();
    private boolean handshakeDone;
    /** The handshake is done and the protocol has renegotiation (below TLS 1.3): handshake records are refused. */
    private boolean refuseHandshakeRecords;
    private boolean wakeQueued;
    private boolean closeNotifyWanted;
    private boolean closeNotifySent;
    private boolean outputShut;

    TlsTransport(Endpoint ep, SSLEngine engine, TlsEngineKind kind, BufferPool netPool, Executor tasks, ByteBuffer initial) {
        this.ep = ep;
        this.engine = engine;
        this.kind = kind;
        this.records = new TlsRecords(netPool, initial);
        this.tasks = new DelegatedTasks(ep, tasks, this::wakeNow);
        this.minPlainRoom = kind.plainRoom(engine);
    }

    /** Full when less than a whole record's plaintext fits after the window. */
    @Override
    public boolean windowFull(ByteBuffer window) {
        return window.capacity() - window.limit() < minPlainRoom;
    }

    @Override
    public boolean handshaking() {
        return !handshakeDone;
    }

    @Override
    public SSLSession session() {
        return handshakeDone ? engine.getSession() : null;
    }

    @Override
    public boolean resumed() {
        return handshakeDone && kind.resumed(engine, begunMillis);
    }

    @Override
    public String applicationProtocol() {
        if (!handshakeDone) {
            return null;
        }
        // JSSE says "" for no ALPN, Netty's OpenSSL engine null
        String p = engine.getApplicationProtocol();
        return p == null ? "" : p;
    }

    @Override
    public int effectiveInterest(int wanted) {
        int ops = wanted;
        if (tasks.running()) {
            ops &= ~SelectionKey.OP_READ;
        }
        if (pendingOutput()) {
            ops |= SelectionKey.OP_WRITE;
        }
        return ops;
    }

    /** True when at least one whole record waits to be decrypted. */
    @Override
    public boolean hasBufferedInput() {
        return records.hasWholeRecord();
    }

    @Override
    public boolean holdsInput() {
        return records.holdsInput();
    }

    @Override
    public boolean pendingOutput() {
        return records.hasOutput() || closeNotifyWanted && !outputShut;
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads and decrypts into the free space after the endpoint's window.
     *
     * @return plaintext bytes added, 0 when none now, -1 when the peer closed (close_notify or end of stream)
     */
    @Override
    public int read(ByteBuffer plain) throws IOException {
        try {
            return readRecords(plain);
        } catch (TlsRenegotiationRefused e) {
            // The engine never saw the record and owes the peer nothing: close() sends an ordinary close_notify.
            throw e;
        } catch (SSLException e) {
            sendAlert();
            throw e;
        }
    }

    /** After a failure the engine may hold an alert for the peer: one non-blocking attempt to send it. */
    private void sendAlert() {
        try {
            if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP && !records.hasOutput()) {
                wrapInto(EMPTY);
                records.send(ep.channel());
            }
        } catch (IOException | RuntimeException ignored) {
            // the connection is closed next anyway
        }
        closeNotifySent = true;
    }

    private int readRecords(ByteBuffer plain) throws IOException {
        flush();
        int produced = 0;
        // A short socket read emptied the socket: another would only return EAGAIN (the selector, level-triggered,
        // reports what comes later), one system call per read event that the plain transport does not make either.
        boolean drained = false;
        for (int step = 0; step < STEPS_PER_READ; step++) {
            if (tasks.running()) {
                return produced;
            }
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                tasks.start(engine);
                return produced;
            }
            if (hs == HandshakeStatus.NEED_WRAP) {
                if (!wrapHandshake()) {
                    return produced;
                }
                continue;
            }
            if (records.needsSocket()) {
                if (drained) {
                    return produced;
                }
                int n = readSocket();
                if (n < 0) {
                    ep.markInputShutdown();
                    return produced > 0 ? produced : -1;
                }
                if (n == 0) {
                    return produced;
                }
                drained = records.lastReadShort();
            }
            if (plain.capacity() - plain.limit() < minPlainRoom && handshakeDone) {
                // No room for a whole record: the reader consumes the window first (or compacts it).
                return produced;
            }
            if (refuseHandshakeRecords && records.firstRecordType() == HANDSHAKE_RECORD) {
                throw new TlsRenegotiationRefused(engine.getSession().getProtocol());
            }
            SSLEngineResult r = unwrap(plain);
            produced += r.bytesProduced();
            if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
                handshakeFinished();
            }
            switch (r.getStatus()) {
                case BUFFER_UNDERFLOW -> records.partialRecord();
                case BUFFER_OVERFLOW -> {
                    return produced;
                }
                case CLOSED -> {
                    ep.markInputShutdown();
                    if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                        wrapHandshake();
                    }
                    return produced > 0 ? produced : -1;
                }
                default -> { }
            }
            if (!handshakeDone && r.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING) {
                handshakeFinished();
            }
        }
        // Yielding with records still buffered: come back on the next loop turn.
        if (hasBufferedInput()) {
            wake();
        }
        return produced;
    }

    private SSLEngineResult unwrap(ByteBuffer plain) throws SSLException {
        int start = plain.position();
        plain.position(plain.limit()).limit(plain.capacity());
        try {
            return engine.unwrap(records.in(), plain);
        } finally {
            plain.limit(plain.position()).position(start);
            records.unwrapped();
        }
    }

    private int readSocket() throws IOException {
        int n = records.readSocket(ep.channel());
        if (n < 0) {
            try {
                engine.closeInbound();
            } catch (SSLException truncated) {
                // the peer closed without close_notify: an end of stream like any other for HTTP/1.1 framing
            }
        }
        return n;
    }

    // ---------------------------------------------------------------- handshake

    /** Wraps what the handshake has to send; false when it has to wait for the socket to take earlier bytes. */
    private boolean wrapHandshake() throws IOException {
        while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            if (!flush()) {
                return false;
            }
            SSLEngineResult r = wrapInto(EMPTY);
            if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
                handshakeFinished();
            }
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                flush();
                return false;
            }
            if (!flush()) {
                return false;
            }
        }
        if (engine.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
            tasks.start(engine);
            return false;
        }
        return true;
    }

    /** Called when the initial handshake completes (TLS 1.3's post-handshake messages may call it again). */
    private void handshakeFinished() {
        handshakeDone = true;
        refuseHandshakeRecords = TlsRenegotiationRefused.possibleIn(engine.getSession().getProtocol());
    }

    // ---------------------------------------------------------------- writing

    /**
     * Encrypts and sends plaintext from {@code srcs}.
     *
     * @return plaintext bytes consumed; 0 while earlier records are still waiting for the socket
     */
    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        if (!handshakeDone) {
            throw new SSLException("TLS handshake not complete");
        }
        if (closeNotifyWanted) {
            throw new SSLException("TLS output already closed");
        }
        long consumed = 0;
        for (int i = 0; i < RECORDS_PER_WRITE && remaining(srcs) > 0; i++) {
            if (!flush()) {
                break;
            }
            SSLEngineResult r = RecordGather.worthIt(srcs) ? wrapGathered(srcs) : wrapInto(srcs);
            consumed += r.bytesConsumed();
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new SSLException("TLS connection closed");
            }
            if (!flush()) {
                break;
            }
        }
        return consumed;
    }

    /** Wraps the plaintext of several buffers as one record (see {@link RecordGather}). */
    private SSLEngineResult wrapGathered(ByteBuffer[] srcs) throws SSLException {
        ByteBuffer gathered = records.borrow();
        try {
            SSLEngineResult r = wrapInto(RecordGather.copy(srcs, gathered));
            RecordGather.consume(srcs, r.bytesConsumed());
            return r;
        } finally {
            records.giveBack(gathered);
        }
    }

    private SSLEngineResult wrapInto(ByteBuffer... srcs) throws SSLException {
        ByteBuffer out = records.outForWrap();
        try {
            return engine.wrap(srcs, out);
        } finally {
            records.wrapped();
        }
    }

    private static long remaining(ByteBuffer[] srcs) {
        long n = 0;
        for (ByteBuffer b : srcs) {
            n += b.remaining();
        }
        return n;
    }

    /**
     * Sends the records waiting for the socket, then the close_notify when one is wanted, then shuts the socket's output.
     *
     * @return true when nothing is left to send
     */
    boolean flush() throws IOException {
        while (true) {
            if (!records.send(ep.channel())) {
                ep.applyInterest();
                return false;
            }
            if (closeNotifyWanted && !closeNotifySent) {
                closeNotifySent = true;
                engine.closeOutbound();
                wrapInto(EMPTY);
                continue;
            }
            break;
        }
        records.releaseEmptyOut();
        if (closeNotifyWanted && !outputShut) {
            outputShut = true;
            try {
                ep.channel().shutdownOutput();
            } catch (IOException ignored) {
                // the peer is gone already
            }
        }
        ep.applyInterest();
        return true;
    }

    /** Sends close_notify after what is pending, then shuts the socket's output. */
    @Override
    public void shutdownOutput() {
        closeNotifyWanted = true;
        if (!handshakeDone) {
            closeNotifySent = true;
        }
        try {
            flush();
        } catch (IOException e) {
            outputShut = true;
        }
    }

    // ---------------------------------------------------------------- wake-ups and release

    /** Queues one wake-up of the owner when whole records wait to be decrypted (the selector cannot see them). */
    @Override
    public void readInterestOn() {
        if (hasBufferedInput() && !tasks.running()) {
            wake();
        }
    }

    private void wake() {
        if (wakeQueued) {
            return;
        }
        wakeQueued = true;
        ep.loop().execute(() -> {
            wakeQueued = false;
            if (hasBufferedInput()) {   // else a read since (the owner's own, right after asking) took the records
                wakeNow();
            }
        });
    }

    /** Runs the owner as if the selector had reported readiness, through the loop's dispatch (failures logged). */
    private void wakeNow() {
        SelectionKey key = ep.key();
        if (ep.isClosed() || key == null) {
            return;
        }
        ep.loop().redispatch(key);
    }

    /** Gives back the ciphertext buffers that hold nothing. */
    @Override
    public void releaseIdle() {
        records.releaseIdle();
    }

    /**
     * Best effort close_notify (one non-blocking write), then gives back the buffers and the engine's own memory (the
     * engine's release runs whatever happens before it: the endpoint calls this once, so the engine is released once).
     */
    @Override
    public void close() {
        try {
            closeQuietly();
        } finally {
            kind.release(engine);
        }
    }

    private void closeQuietly() {
        if (handshakeDone && !closeNotifySent) {
            closeNotifySent = true;
            try {
                engine.closeOutbound();
                if (!records.hasOutput()) {
                    wrapInto(EMPTY);
                    records.send(ep.channel());
                }
            } catch (IOException | RuntimeException ignored) {
                // closing anyway
            }
        }
        records.releaseAll();
    }
}
