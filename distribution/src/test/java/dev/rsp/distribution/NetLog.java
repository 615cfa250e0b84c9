package dev.rsp.distribution;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Chromium net log ({@code --log-net-log=FILE}) says about the connections to one address: the TCP sockets
 * that connected to it, the TLS handshakes on them with the protocol ALPN chose ({@code next_proto}), and the HTTP/2
 * sessions Chromium kept for a host ({@code polledData.spdySessionInfo}, with {@code negotiated_protocol} and the
 * streams it opened). The file is one JSON object whose events are written one per line, each ending in its
 * {@code "type"}; event types are numbers named in {@code constants.logEventTypes}.
 */
final class NetLog {

    private static final Pattern TYPE = Pattern.compile("\"type\":(\\d+)},?\\s*$");
    private static final Pattern SOURCE = Pattern.compile("\"source\":\\{\"id\":(\\d+)");
    private static final Pattern PHASE = Pattern.compile("\"phase\":(\\d+)");
    private static final Pattern NEXT_PROTO = Pattern.compile("\"next_proto\":\"([^\"]*)\"");
    private static final int BEGIN = 1;
    private static final int END = 2;

    private final String text;
    private final Map<String, Integer> types = new HashMap<>();

    NetLog(Path file) throws IOException {
        text = Files.readString(file, StandardCharsets.UTF_8);
        int at = text.indexOf("\"logEventTypes\":{");
        if (at < 0) {
            throw new IOException("not a Chromium net log (no constants.logEventTypes): " + file);
        }
        Matcher m = Pattern.compile("\"([A-Z0-9_]+)\":(\\d+)").matcher(text.substring(at, text.indexOf('}', at)));
        while (m.find()) {
            types.put(m.group(1), Integer.parseInt(m.group(2)));
        }
    }

    /** The sockets (source ids) whose TCP connect went to {@code address}, e.g. {@code 127.0.0.1:8443}. */
    Set<Long> socketsTo(String address) {
        Set<Long> ids = new HashSet<>();
        for (String line : events("TCP_CONNECT", BEGIN)) {
            if (line.contains("\"address_list\":[\"" + address + "\"")) {
                ids.add(source(line));
            }
        }
        return ids;
    }

    /** The protocol ALPN chose in each completed TLS handshake on {@code sockets} ("" when none). */
    List<String> handshakesOn(Set<Long> sockets) {
        List<String> protocols = new ArrayList<>();
        for (String line : events("SSL_CONNECT", END)) {
            if (sockets.contains(source(line))) {
                Matcher m = NEXT_PROTO.matcher(line);
                protocols.add(m.find() ? m.group(1) : "");
            }
        }
        return protocols;
    }

    /** The HTTP/2 sessions Chromium held at the end for {@code hostPort}: their negotiated protocol and streams opened. */
    List<Session> sessionsFor(String hostPort) {
        int polled = text.indexOf("\"polledData\"");
        List<Session> sessions = new ArrayList<>();
        if (polled < 0) {
            return sessions;
        }
        Matcher m = Pattern.compile("\"host_port_pair\":\"" + Pattern.quote(hostPort)
                + "\".*?\"negotiated_protocol\":\"([^\"]*)\".*?\"streams_initiated_count\":(\\d+)").matcher(text.substring(polled));
        while (m.find()) {
            sessions.add(new Session(m.group(1), Integer.parseInt(m.group(2))));
        }
        return sessions;
    }

    record Session(String negotiatedProtocol, int streamsInitiated) {
    }

    private List<String> events(String type, int phase) {
        Integer id = types.get(type);
        List<String> lines = new ArrayList<>();
        if (id == null) {
            return lines;
        }
        for (String line : text.split("\n")) {
            Matcher t = TYPE.matcher(line);
            if (line.startsWith("{") && t.find() && Integer.parseInt(t.group(1)) == id && last(PHASE, line) == phase) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static long source(String line) {
        return last(SOURCE, line);
    }

    /** The last match in the line: an event's own fields follow its params (the keys are in alphabetical order). */
    private static long last(Pattern p, String line) {
        Matcher m = p.matcher(line);
        long v = -1;
        while (m.find()) {
            v = Long.parseLong(m.group(1));
        }
        return v;
    }
}
