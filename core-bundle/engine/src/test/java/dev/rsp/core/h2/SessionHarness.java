package dev.rsp.core.h2;

import dev.rsp.core.proxy.Counter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link H2Session} with a stand-in HPACK decoder (a block's bytes are its text; "!..." is a COMPRESSION_ERROR,
 * "big..." TOO_LARGE) and a listener that records events, consumes DATA at once (unless told not to) and counts.
 * What the session writes is parsed back by a client-side {@link FrameReader}.
 */
final class SessionHarness implements H2SessionListener, HeaderBlockDecoder {

    final List<String> events = new ArrayList<>();
    final List<String> decoded = new ArrayList<>();
    final Map<Counter, Integer> counts = new EnumMap<>(Counter.class);
    final H2Session session;
    boolean consumeAtOnce = true;
    private String lastDecoded = "";
    private final FrameReader outputReader = new FrameReader(Settings.MAX_MAX_FRAME_SIZE, false);
    private final RecordingFrameListener output = new RecordingFrameListener();
    private final ByteBuffer out = ByteBuffer.allocate(1 << 20);

    SessionHarness() {
        this(H2Limits.DEFAULT);
    }

    SessionHarness(H2Limits limits) {
        session = new H2Session(limits, this, this, c -> counts.merge(c, 1, Integer::sum));
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

    /** The frames the session wrote since the last call (control frames first written now), as events. */
    List<String> written() {
        session.writeControl(out);
        out.flip();
        int from = output.events.size();
        outputReader.read(out, output);
        out.compact();
        return new ArrayList<>(output.events.subList(from, output.events.size()));
    }

    /** Bytes a response writer put into the harness's output buffer. */
    ByteBuffer out() {
        return out;
    }

    int count(Counter c) {
        return counts.getOrDefault(c, 0);
    }

    // ---------------------------------------------------------------- HeaderBlockDecoder

    @Override
    public Outcome decode(ByteBuffer block, boolean keep) {
        String text = RecordingFrameListener.text(block);
        decoded.add(keep ? text : "(discarded) " + text);
        lastDecoded = text;
        if (text.startsWith("!")) {
            return Outcome.COMPRESSION_ERROR;
        }
        return text.startsWith("big") ? Outcome.TOO_LARGE : Outcome.DECODED;
    }

    // ---------------------------------------------------------------- H2SessionListener

    @Override
    public void onRequestHead(H2Stream stream, boolean endStream) {
        events.add("head " + stream.id() + " '" + lastDecoded + "'" + (endStream ? " END_STREAM" : ""));
    }

    @Override
    public void onTrailers(H2Stream stream) {
        events.add("trailers " + stream.id() + " '" + lastDecoded + "'");
    }

    @Override
    public void onHeadTooLarge(H2Stream stream) {
        events.add("too large " + stream.id());
    }

    @Override
    public void onData(H2Stream stream, ByteBuffer data, boolean endStream) {
        events.add("data " + stream.id() + " '" + RecordingFrameListener.text(data) + "'" + (endStream ? " END_STREAM" : ""));
        if (consumeAtOnce) {
            session.consumed(stream, data.remaining());
        }
    }

    @Override
    public void onReset(H2Stream stream, ErrorCode code, boolean byPeer) {
        events.add("reset " + stream.id() + " " + code + (byPeer ? " by peer" : ""));
    }

    @Override
    public void onSendWindowOpened(H2Stream stream) {
        events.add("window " + stream.id());
    }

    @Override
    public void onSendWindowsOpened() {
        events.add("windows");
    }

    @Override
    public void onPeerSettings(Settings peer) {
        events.add("settings " + peer);
    }

    @Override
    public void onGoAway(int lastStreamId, ErrorCode code) {
        events.add("goaway " + lastStreamId + " " + code);
    }
}
