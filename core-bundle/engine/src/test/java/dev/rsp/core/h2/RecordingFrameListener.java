package dev.rsp.core.h2;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Records a reader's events as strings, joining the pieces of one frame's data or fragment into one event so that the
 * events do not depend on how the bytes were split.
 */
final class RecordingFrameListener implements FrameListener {

    final List<String> events = new ArrayList<>();
    private final StringBuilder pieces = new StringBuilder();
    private int flowControlled;

    @Override
    public void onHeaders(int streamId, boolean endStream, boolean endHeaders, int fragmentLength) {
        events.add("HEADERS " + streamId + (endStream ? " END_STREAM" : "") + (endHeaders ? " END_HEADERS" : "")
                + " len=" + fragmentLength);
    }

    @Override
    public void onContinuation(int streamId, boolean endHeaders, int fragmentLength) {
        events.add("CONTINUATION " + streamId + (endHeaders ? " END_HEADERS" : "") + " len=" + fragmentLength);
    }

    @Override
    public void onHeaderFragment(int streamId, ByteBuffer piece, boolean last) {
        pieces.append(text(piece));
        if (last) {
            events.add("fragment " + streamId + " '" + pieces + "'");
            pieces.setLength(0);
        }
    }

    @Override
    public void onData(int streamId, ByteBuffer data, boolean endStream, int flowControlled) {
        this.flowControlled += flowControlled;
        events.add("data " + streamId + " '" + text(data) + "'" + (endStream ? " END_STREAM" : ""));
    }

    @Override
    public void onRstStream(int streamId, int errorCode) {
        events.add("RST_STREAM " + streamId + " " + ErrorCode.of(errorCode));
    }

    @Override
    public void onSettings(Settings received) {
        events.add("SETTINGS " + received);
    }

    @Override
    public void onSettingsAck() {
        events.add("SETTINGS ACK");
    }

    @Override
    public void onPing(long opaque, boolean ack) {
        events.add("PING " + Long.toHexString(opaque) + (ack ? " ACK" : ""));
    }

    @Override
    public void onGoAway(int lastStreamId, int errorCode) {
        events.add("GOAWAY " + lastStreamId + " " + ErrorCode.of(errorCode));
    }

    @Override
    public void onWindowUpdate(int streamId, int increment) {
        events.add("WINDOW_UPDATE " + streamId + " +" + increment);
    }

    @Override
    public void onPriority(int streamId) {
        events.add("PRIORITY " + streamId);
    }

    @Override
    public void onUnknown(int type, int streamId, int length) {
        events.add("UNKNOWN " + type + " " + streamId + " len=" + length);
    }

    @Override
    public void onStreamError(int streamId, ErrorCode code) {
        events.add("stream error " + streamId + " " + code);
    }

    int flowControlled() {
        return flowControlled;
    }

    /** Data events merged: consecutive pieces of one stream joined, so that splits do not show. */
    List<String> merged() {
        return mergeData(events);
    }

    /** Joins consecutive "data N '...'" events of one stream up to one with END_STREAM. */
    static List<String> mergeData(List<String> events) {
        List<String> out = new ArrayList<>();
        String pending = null;
        for (String e : events) {
            if (e.startsWith("data ") && pending != null && sameStream(pending, e) && !pending.endsWith("END_STREAM")) {
                pending = join(pending, e);
                continue;
            }
            if (pending != null) {
                out.add(pending);
                pending = null;
            }
            if (e.startsWith("data ")) {
                pending = e;
            } else {
                out.add(e);
            }
        }
        if (pending != null) {
            out.add(pending);
        }
        return out;
    }

    private static boolean sameStream(String a, String b) {
        return a.split(" ")[1].equals(b.split(" ")[1]);
    }

    private static String join(String a, String b) {
        String textA = a.substring(a.indexOf('\'') + 1, a.lastIndexOf('\''));
        String textB = b.substring(b.indexOf('\'') + 1, b.lastIndexOf('\''));
        String tail = b.substring(b.lastIndexOf('\'') + 1);
        return "data " + a.split(" ")[1] + " '" + textA + textB + "'" + tail;
    }

    static String text(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
