package dev.rsp.core.h2;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The glue's side of an {@link H2ClientSession} in tests: records each event as a line (a head or trailers with the
 * decoded fields), keeps the body bytes per stream, and consumes DATA at once unless told not to.
 */
final class ClientRecorder implements H2ClientListener {

    final List<String> events = new ArrayList<>();
    final HpackFieldDecoder decoder;
    H2ClientSession session;
    boolean consumeAtOnce = true;
    /** Body bytes received and not yet consumed (when not consumed at once), over all streams. */
    long unconsumed;
    private final java.util.Map<Integer, StringBuilder> bodies = new java.util.HashMap<>();
    private final java.util.Map<Integer, Long> bodyBytes = new java.util.HashMap<>();

    ClientRecorder(HpackFieldDecoder decoder) {
        this.decoder = decoder;
    }

    /** The body of a stream received so far, as text (bodies over 4 KiB are only counted). */
    String body(int streamId) {
        return bodies.getOrDefault(streamId, new StringBuilder()).toString();
    }

    long bodyBytes(int streamId) {
        return bodyBytes.getOrDefault(streamId, 0L);
    }

    @Override
    public void onResponseHead(H2Stream stream, boolean endStream) {
        events.add("head " + stream.id() + " " + decoder.fields + (endStream ? " END_STREAM" : ""));
    }

    @Override
    public void onTrailers(H2Stream stream) {
        events.add("trailers " + stream.id() + " " + decoder.fields);
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
            unconsumed += n;
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

    /** The events but window openings, which come with every WINDOW_UPDATE. */
    List<String> significant() {
        return events.stream().filter(e -> !e.startsWith("window")).toList();
    }
}
