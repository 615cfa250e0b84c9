package dev.rsp.core.h2;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rsp.core.h2.hpack.HpackEncoder;
import dev.rsp.core.proxy.Counter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link H2ClientSession} and rsp's server side, an {@link H2Session}, joined in memory: what one writes is what the
 * other reads, each with the real HPACK encoder and decoder. The test plays both glues: it opens and writes requests on
 * the client, answers them on the server, and moves the bytes with {@link #pump}.
 */
final class ClientServerPair {

    final HpackFieldDecoder clientDecoder = new HpackFieldDecoder();
    final HpackFieldDecoder serverDecoder = new HpackFieldDecoder();
    final ClientRecorder client = new ClientRecorder(clientDecoder);
    final ServerRecorder server = new ServerRecorder(serverDecoder);
    final Map<Counter, Integer> counts = new EnumMap<>(Counter.class);
    final H2ClientSession clientSession;
    final H2Session serverSession;
    private final HpackEncoder requestEncoder = new HpackEncoder();
    private final HpackEncoder responseEncoder = new HpackEncoder();
    /** Client to server and server to client, each in write mode between pumps. */
    final ByteBuffer toServer = ByteBuffer.allocate(1 << 22);
    final ByteBuffer toClient = ByteBuffer.allocate(1 << 22);
    SessionProgress clientProgress;
    SessionProgress serverProgress;

    ClientServerPair(H2ClientLimits clientLimits, H2Limits serverLimits) {
        clientSession = new H2ClientSession(clientLimits, clientDecoder, client, c -> counts.merge(c, 1, Integer::sum));
        serverSession = new H2Session(serverLimits, serverDecoder, server, c -> counts.merge(c, 1, Integer::sum));
        client.session = clientSession;
        server.session = serverSession;
    }

    /** Moves bytes both ways until neither side reads anything more. */
    void pump() {
        for (int round = 0; round < 100_000; round++) {
            boolean toServerMoved = toServer();
            boolean toClientMoved = toClient();
            if (!toServerMoved && !toClientMoved) {
                return;
            }
        }
        fail("the sessions did not come to rest");
    }

    /** The client's control frames and what it wrote go to the server; true when the server read anything. */
    boolean toServer() {
        clientSession.writeControl(toServer);
        toServer.flip();
        int before = toServer.remaining();
        while ((serverProgress = serverSession.onInput(toServer)) == SessionProgress.BLOCKED) {
            assertTrue(serverSession.writeControl(toClient));
        }
        boolean moved = toServer.remaining() != before;
        toServer.compact();
        return moved;
    }

    /** The server's control frames and responses go to the client; true when the client read anything. */
    boolean toClient() {
        serverSession.writeControl(toClient);
        toClient.flip();
        int before = toClient.remaining();
        while ((clientProgress = clientSession.onInput(toClient)) == SessionProgress.BLOCKED) {
            assertTrue(clientSession.writeControl(toServer));
        }
        boolean moved = toClient.remaining() != before;
        toClient.compact();
        return moved;
    }

    /** Opens a stream and writes its request head, after the control frames owed (the preface first), as a glue does. */
    H2Stream request(String method, String path, boolean endStream) {
        assertTrue(clientSession.writeControl(toServer));
        H2Stream s = clientSession.open();
        ByteBuffer b = ByteBuffer.allocate(256);
        requestEncoder.startBlock(b);
        requestEncoder.field(b, ":method", method);
        requestEncoder.field(b, ":scheme", "http");
        requestEncoder.field(b, ":path", path);
        requestEncoder.field(b, ":authority", "backend");
        assertTrue(clientSession.writeHeaders(s, b.flip(), endStream, toServer));
        return s;
    }

    /** Writes as much of {@code body} as the client may now, frame by frame; returns the bytes taken. */
    int send(H2Stream s, ByteBuffer body, boolean endStream) {
        int taken = 0;
        while (s.state().weMaySend()) {
            int n = clientSession.writeData(s, body, endStream, toServer);
            taken += n;
            if (n == 0) {
                break;
            }
        }
        return taken;
    }

    /** A response head (status, then name, value pairs) or, with status 0, trailers, HPACK-encoded. */
    ByteBuffer responseBlock(int status, String... nameValues) {
        ByteBuffer b = ByteBuffer.allocate(1024);
        responseEncoder.startBlock(b);
        if (status != 0) {
            responseEncoder.status(b, status);
        }
        for (int i = 0; i < nameValues.length; i += 2) {
            responseEncoder.field(b, nameValues[i], nameValues[i + 1]);
        }
        return b.flip();
    }

    /** Writes as much of {@code body} as the server may now; returns the bytes taken. */
    int respond(H2Stream s, ByteBuffer body, boolean endStream) {
        return serverSession.writeData(s, body, endStream, toClient);
    }

    int count(Counter c) {
        return counts.getOrDefault(c, 0);
    }

    static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The server's glue in tests: request heads, bodies and trailers recorded; DATA consumed at once unless told. */
    static final class ServerRecorder implements H2SessionListener {
        final List<String> events = new ArrayList<>();
        final Map<Integer, H2Stream> streams = new HashMap<>();
        final Map<Integer, Long> bodyBytes = new HashMap<>();
        final Map<Integer, StringBuilder> bodies = new HashMap<>();
        private final HpackFieldDecoder decoder;
        H2Session session;
        boolean consumeAtOnce = true;
        /** Delivered and not consumed, per stream, when not consumed at once. */
        final Map<Integer, Integer> unconsumed = new HashMap<>();

        ServerRecorder(HpackFieldDecoder decoder) {
            this.decoder = decoder;
        }

        @Override
        public void onRequestHead(H2Stream stream, boolean endStream) {
            streams.put(stream.id(), stream);
            events.add("request " + stream.id() + " " + decoder.fields + (endStream ? " END_STREAM" : ""));
        }

        @Override
        public void onTrailers(H2Stream stream) {
            events.add("trailers " + stream.id() + " " + decoder.fields);
        }

        @Override
        public void onHeadTooLarge(H2Stream stream) {
            events.add("too large " + stream.id());
        }

        @Override
        public void onData(H2Stream stream, ByteBuffer data, boolean endStream) {
            int n = data.remaining();
            bodyBytes.merge(stream.id(), (long) n, Long::sum);
            StringBuilder b = bodies.computeIfAbsent(stream.id(), k -> new StringBuilder());
            if (b.length() + n <= 4096) {
                b.append(RecordingFrameListener.text(data));
            }
            if (endStream) {
                events.add("end " + stream.id());
            }
            if (consumeAtOnce) {
                session.consumed(stream, n);
            } else {
                unconsumed.merge(stream.id(), n, Integer::sum);
            }
        }

        /** The server's glue consumes what it held back of a stream. */
        void consumeAll(H2Stream stream) {
            session.consumed(stream, unconsumed.getOrDefault(stream.id(), 0));
            unconsumed.remove(stream.id());
        }

        @Override
        public void onReset(H2Stream stream, ErrorCode code, boolean byPeer) {
            events.add("reset " + stream.id() + " " + code + (byPeer ? " by peer" : ""));
        }

        @Override
        public void onSendWindowOpened(H2Stream stream) {
        }

        @Override
        public void onSendWindowsOpened() {
        }

        @Override
        public void onPeerSettings(Settings peer) {
        }

        @Override
        public void onGoAway(int lastStreamId, ErrorCode code) {
            events.add("goaway " + lastStreamId + " " + code);
        }
    }
}
