package dev.rsp.tls.front;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * A client engine and a server engine talking in memory, through direct buffers as rsp's loops use: no sockets. The
 * client's first flight is produced by {@link #firstFlight} so a test can inspect it before the server engine exists.
 */
final class EnginePair {

    final SSLEngine client;
    SSLEngine server;
    final ByteBuffer toServer;
    final ByteBuffer toClient;
    private final ByteBuffer app;

    EnginePair(SSLEngine client) {
        this(client, new Buffers());
    }

    /** A pair over {@code buffers}, cleared: a loop of many connections reuses one set, as rsp's pools do. */
    EnginePair(SSLEngine client, Buffers buffers) {
        this.client = client;
        this.toServer = buffers.toServer.clear();
        this.toClient = buffers.toClient.clear();
        this.app = buffers.app.clear();
    }

    /** The direct buffers of a pair. */
    static final class Buffers {
        final ByteBuffer toServer = ByteBuffer.allocateDirect(1 << 17);
        final ByteBuffer toClient = ByteBuffer.allocateDirect(1 << 17);
        final ByteBuffer app = ByteBuffer.allocateDirect(1 << 17);
    }

    /** The client's ClientHello, in read mode (a copy: the pair keeps its own). */
    ByteBuffer firstFlight() throws SSLException {
        client.wrap(ByteBuffer.allocate(0), toServer);
        ByteBuffer copy = ByteBuffer.allocate(toServer.position());
        copy.put(toServer.duplicate().flip());
        return copy.flip();
    }

    /** Runs the handshake to its end on both sides; throws what an engine throws (a refused handshake). */
    void handshake(SSLEngine serverEngine) throws SSLException {
        server = serverEngine;
        for (int round = 0; round < 100; round++) {
            if (done(client) && done(server) && toServer.position() == 0 && toClient.position() == 0) {
                return;
            }
            pump(server, toServer, toClient);
            pump(client, toClient, toServer);
        }
        throw new AssertionError("no end of the handshake after 100 rounds: client " + client.getHandshakeStatus()
                + ", server " + server.getHandshakeStatus());
    }

    private static boolean done(SSLEngine e) {
        HandshakeStatus s = e.getHandshakeStatus();
        return s == HandshakeStatus.NOT_HANDSHAKING || s == HandshakeStatus.FINISHED;
    }

    /** One step of an engine: read what arrived, run tasks, write what it has to say. */
    private void pump(SSLEngine e, ByteBuffer in, ByteBuffer out) throws SSLException {
        in.flip();
        SSLEngineResult r;
        try {
            do {
                app.clear();
                r = e.unwrap(in, app);
                runTasks(e);
            } while (r.getStatus() == SSLEngineResult.Status.OK && r.bytesConsumed() > 0 && in.hasRemaining());
        } finally {
            in.compact();
        }
        do {
            r = e.wrap(ByteBuffer.allocate(0), out);
            runTasks(e);
        } while (r.bytesProduced() > 0 && r.getStatus() == SSLEngineResult.Status.OK);
    }

    private static void runTasks(SSLEngine e) {
        for (Runnable t = e.getDelegatedTask(); t != null; t = e.getDelegatedTask()) {
            t.run();
        }
    }

    /** Sends {@code text} from the client; returns what the server decrypts of it. */
    String clientToServer(String text) throws SSLException {
        return send(client, server, text, toServer);
    }

    /** Sends {@code text} from the server; returns what the client decrypts of it. */
    String serverToClient(String text) throws SSLException {
        return send(server, client, text, toClient);
    }

    private String send(SSLEngine from, SSLEngine to, String text, ByteBuffer wire) throws SSLException {
        ByteBuffer plain = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
        while (plain.hasRemaining()) {
            from.wrap(plain, wire);
        }
        wire.flip();
        StringBuilder got = new StringBuilder();
        try {
            for (int i = 0; i < 100 && got.length() < text.length(); i++) {
                app.clear();
                SSLEngineResult r = to.unwrap(wire, app);
                runTasks(to);
                app.flip();
                got.append(StandardCharsets.US_ASCII.decode(app));
                if (r.getStatus() != SSLEngineResult.Status.OK) {
                    break;
                }
            }
        } finally {
            wire.compact();
        }
        return got.toString();
    }
}
