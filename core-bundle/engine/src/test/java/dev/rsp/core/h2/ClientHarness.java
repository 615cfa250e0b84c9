package dev.rsp.core.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.h2.hpack.HpackEncoder;
import dev.rsp.core.proxy.Counter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link H2ClientSession} facing crafted server frames: the test plays the server with {@link Frames} and an HPACK
 * encoder of its own (so the client's real decoder stays in step), and reads what the client wrote with a server-side
 * {@link FrameReader}.
 */
final class ClientHarness {

    final HpackFieldDecoder decoder;
    final ClientRecorder recorder;
    final Map<Counter, Integer> counts = new EnumMap<>(Counter.class);
    final H2ClientSession session;
    /** The crafted server's HPACK encoder: every block made with it must reach the client, in order. */
    private final HpackEncoder serverEncoder = new HpackEncoder();
    private final HpackEncoder requestEncoder = new HpackEncoder();
    private final FrameReader outputReader = new FrameReader(Settings.MAX_MAX_FRAME_SIZE, true);
    private final RecordingFrameListener output = new RecordingFrameListener();
    private final ByteBuffer out = ByteBuffer.allocate(1 << 21);

    ClientHarness(H2ClientLimits limits) {
        this(limits, new HpackFieldDecoder());
    }

    ClientHarness(H2ClientLimits limits, HpackFieldDecoder decoder) {
        this.decoder = decoder;
        this.recorder = new ClientRecorder(decoder);
        session = new H2ClientSession(limits, decoder, recorder, c -> counts.merge(c, 1, Integer::sum));
        recorder.session = session;
    }

    /** A harness past the opening: the client's preface and SETTINGS written, the server's SETTINGS and ACK read. */
    static ClientHarness started(H2ClientLimits limits) {
        return started(new ClientHarness(limits));
    }

    static ClientHarness started(ClientHarness h) {
        h.written();
        assertEquals(SessionProgress.NEED_INPUT, h.feed(Frames.server().settingsAck()));
        h.written();
        h.recorder.events.clear();
        return h;
    }

    static ClientHarness started() {
        return started(H2ClientLimits.DEFAULT);
    }

    static Frames f() {
        return new Frames();
    }

    /** Feeds the bytes in one read; on BLOCKED writes the control frames and goes on, as a glue would. */
    SessionProgress feed(Frames f) {
        return feed(f.buffer(), true);
    }

    SessionProgress feed(ByteBuffer in, boolean writeWhenBlocked) {
        SessionProgress p;
        while ((p = session.onInput(in)) == SessionProgress.BLOCKED && writeWhenBlocked) {
            written();
        }
        return p;
    }

    /** The frames the client wrote since the last call (control frames written now), as events; fragments left out. */
    List<String> written() {
        session.writeControl(out);
        out.flip();
        int from = output.events.size();
        outputReader.read(out, output);
        out.compact();
        List<String> frames = new ArrayList<>();
        for (String e : output.events.subList(from, output.events.size())) {
            if (!e.startsWith("fragment")) {
                frames.add(e);
            }
        }
        return frames;
    }

    /** The client's output buffer, for writeHeaders and writeData. */
    ByteBuffer out() {
        return out;
    }

    /**
     * Opens a stream and writes its request head (GET {@code path}; {@code endStream}: no body) after the control
     * frames owed, and takes both out of the output: {@link #written} shows what follows.
     */
    H2Stream request(String path, boolean endStream) {
        assertTrue(session.canOpen());
        H2Stream s = session.open();
        assertTrue(session.writeHeaders(s, requestBlock(path), endStream, out));
        written();
        return s;
    }

    ByteBuffer requestBlock(String path) {
        ByteBuffer b = ByteBuffer.allocate(256);
        requestEncoder.startBlock(b);
        requestEncoder.field(b, ":method", "GET");
        requestEncoder.field(b, ":scheme", "http");
        requestEncoder.field(b, ":path", path);
        requestEncoder.field(b, ":authority", "backend");
        return b.flip();
    }

    /**
     * A field block as the server would encode it: name, value pairs; a ":status" name is encoded as a status. Every
     * block made must be fed, in order, since it may change the client's HPACK table.
     */
    byte[] block(String... nameValues) {
        ByteBuffer b = ByteBuffer.allocate(1 << 17);
        serverEncoder.startBlock(b);
        for (int i = 0; i < nameValues.length; i += 2) {
            if (nameValues[i].equals(":status")) {
                serverEncoder.status(b, Integer.parseInt(nameValues[i + 1]));
            } else {
                serverEncoder.field(b, nameValues[i], nameValues[i + 1]);
            }
        }
        b.flip();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }

    int count(Counter c) {
        return counts.getOrDefault(c, 0);
    }
}
