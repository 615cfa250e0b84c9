package dev.rsp.core.etcd;

import dev.rsp.core.json.Json;
import dev.rsp.core.json.JsonReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * etcd v3 through its JSON gateway, with the JDK's HTTP client only: a read of every key under a prefix
 * ({@code POST /v3/kv/range}) and a watch of the prefix ({@code POST /v3/watch}, one JSON object per line). Keys and
 * values travel base64-encoded, revisions as decimal strings; fields at their default (an empty value, a PUT's event
 * type) are left out by the gateway.
 *
 * <p>TLS and authentication follow {@link EtcdAccess}: with a user, rsp exchanges the password for a token
 * ({@code POST /v3/auth/authenticate}) before its first call, sends it as {@code Authorization}, and exchanges it
 * again once when etcd refuses it (401: a simple token expired, or a member that does not know it).
 *
 * <p>Every call blocks the calling thread (the source's own thread, never a loop) and is bounded: connect and request
 * timeouts, {@code limits.response.bytes} for an answer or a watch line, {@code limits.keys} for a read.
 */
final class EtcdClient {

    /** One key as read: its name (UTF-8), value bytes and the revision that last changed it. */
    record KeyValue(String key, byte[] value, long modRevision) {
    }

    /** A read of the prefix: the store's revision at the time of the read and every key under the prefix. */
    record Range(long revision, List<KeyValue> kvs) {
    }

    /** etcd answered, but not with what was asked (an error object, a status other than 200, a malformed body). */
    static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }

    /** More keys under the prefix than {@code limits.keys}. */
    static final class TooManyKeys extends IOException {
        final long count;

        TooManyKeys(long count) {
            super(count + " keys");
            this.count = count;
        }
    }

    private final HttpClient http;
    private final EtcdSettings settings;
    /** The token of the last authentication; null before it, or once etcd refused it. */
    private volatile String token;

    EtcdClient(EtcdSettings settings) {
        this.settings = settings;
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(settings.connectMs()));
        if (settings.access().sslContext() != null) {
            b.sslContext(settings.access().sslContext());
        }
        this.http = b.build();
    }

    /**
     * POSTs {@code body} to {@code path}, authenticated when a user is configured: the token is fetched first, and
     * fetched again (once) when etcd answers 401.
     */
    private HttpResponse<InputStream> send(URI endpoint, String path, Map<String, Object> body)
            throws IOException, InterruptedException {
        EtcdAccess access = settings.access();
        if (access.authenticates() && token == null) {
            token = authenticate(endpoint);
        }
        HttpResponse<InputStream> r = http.send(post(endpoint, path, body), HttpResponse.BodyHandlers.ofInputStream());
        if (access.authenticates() && r.statusCode() == 401) {
            r.body().close();
            token = null;
            token = authenticate(endpoint);
            r = http.send(post(endpoint, path, body), HttpResponse.BodyHandlers.ofInputStream());
        }
        return r;
    }

    /** The token in use (null: none yet); for tests that wait for it to expire. */
    String token() {
        return token;
    }

    /** Exchanges the user's password for a token at {@code endpoint}. */
    private String authenticate(URI endpoint) throws IOException, InterruptedException {
        EtcdAccess access = settings.access();
        Map<String, Object> credentials = new LinkedHashMap<>();
        credentials.put("name", access.username());
        credentials.put("password", access.password());
        HttpResponse<InputStream> r = http.send(post(endpoint, "/v3/auth/authenticate", credentials),
                HttpResponse.BodyHandlers.ofInputStream());
        String text;
        try (InputStream in = r.body()) {
            text = readBounded(in, "the answer to an authentication");
        }
        if (r.statusCode() != 200) {
            throw new Refused("etcd refused user '" + access.username() + "' (HTTP " + r.statusCode() + "): " + EtcdText.cut(text));
        }
        Object t = object(text).get("token");
        if (!(t instanceof String s) || s.isEmpty()) {
            throw new Refused("etcd authenticated user '" + access.username() + "' but sent no token (is authentication on?)");
        }
        return s;
    }

    /** {@code HTTP <status> to <what>: <body>}, with advice when etcd wants a user rsp was not given. */
    private String refusal(int status, String what, String text) {
        String advice = !settings.access().authenticates() && (status == 401 || text.contains("user name is empty"))
                ? " (etcd has authentication on: set username and password.file)" : "";
        return "HTTP " + status + " to " + what + ": " + EtcdText.cut(text) + advice;
    }

    /** Every key under the prefix (at most {@code limits.keys}, else {@link TooManyKeys}). */
    Range range(URI endpoint) throws IOException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("key", b64(settings.prefix()));
        body.put("range_end", b64(prefixEnd(settings.prefix())));
        body.put("limit", String.valueOf(settings.maxKeys() + 1L));
        HttpResponse<InputStream> response = send(endpoint, "/v3/kv/range", body);
        String text;
        try (InputStream in = response.body()) {
            text = readBounded(in, "the answer to a read");
        }
        if (response.statusCode() != 200) {
            throw new Refused(refusal(response.statusCode(), "a read", text));
        }
        Map<String, Object> o = object(text);
        Map<String, Object> header = EtcdText.member(o, "header");
        long revision = EtcdText.int64(header, "revision");
        List<KeyValue> kvs = new ArrayList<>();
        for (Object kv : EtcdText.list(o, "kvs")) {
            kvs.add(keyValue(kv));
        }
        long count = o.containsKey("count") ? EtcdText.int64(o, "count") : kvs.size();
        if (kvs.size() > settings.maxKeys() || count > settings.maxKeys() || Boolean.TRUE.equals(o.get("more"))) {
            throw new TooManyKeys(Math.max(count, kvs.size()));
        }
        return new Range(revision, kvs);
    }

    /**
     * Opens a watch of the prefix from {@code fromRevision}, with progress notifications; the caller reads its lines
     * and closes it. Returns once the gateway has answered the request's head.
     */
    WatchLines watch(URI endpoint, long fromRevision) throws IOException, InterruptedException {
        Map<String, Object> create = new LinkedHashMap<>();
        create.put("key", b64(settings.prefix()));
        create.put("range_end", b64(prefixEnd(settings.prefix())));
        create.put("start_revision", String.valueOf(fromRevision));
        create.put("progress_notify", true);
        HttpResponse<InputStream> response = send(endpoint, "/v3/watch", Map.of("create_request", create));
        if (response.statusCode() != 200) {
            String text;
            try (InputStream in = response.body()) {
                text = readBounded(in, "the answer to a watch");
            }
            throw new Refused(refusal(response.statusCode(), "a watch", text));
        }
        return new WatchLines(response.body(), settings.maxResponseBytes());
    }

    private HttpRequest post(URI endpoint, String path, Map<String, Object> body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint.resolve(path)).timeout(Duration.ofMillis(settings.requestMs()))
                .header("Content-Type", "application/json");
        String t = token;
        if (t != null && !path.equals("/v3/auth/authenticate")) {
            b.header("Authorization", t);
        }
        return b.POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build();
    }

    private String readBounded(InputStream in, String what) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
            if (out.size() > settings.maxResponseBytes()) {
                throw new EtcdClient.ResponseTooLarge(what);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** An answer or a watch line longer than {@code limits.response.bytes}. */
    static final class ResponseTooLarge extends IOException {
        ResponseTooLarge(String what) {
            super(what + " is larger than limits.response.bytes");
        }
    }

    static Map<String, Object> object(String text) throws Refused {
        try {
            return JsonReader.object(text);
        } catch (JsonReader.Malformed e) {
            throw new Refused("not JSON (" + e.getMessage() + "): " + EtcdText.cut(text));
        }
    }

    static KeyValue keyValue(Object kv) throws Refused {
        if (!(kv instanceof Map<?, ?> m)) {
            throw new Refused("a key-value that is not an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> o = (Map<String, Object>) m;
        String key = new String(EtcdText.bytes(o, "key"), StandardCharsets.UTF_8);
        byte[] value = o.containsKey("value") ? EtcdText.bytes(o, "value") : new byte[0];
        long mod = o.containsKey("mod_revision") ? EtcdText.int64(o, "mod_revision") : 0;
        return new KeyValue(key, value, mod);
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    /** The range end of a prefix: the prefix with its last byte plus one (etcd's {@code --prefix}). */
    static byte[] prefixEnd(String prefix) {
        byte[] b = prefix.getBytes(StandardCharsets.UTF_8);
        for (int i = b.length - 1; i >= 0; i--) {
            if (b[i] != (byte) 0xff) {
                byte[] end = java.util.Arrays.copyOf(b, i + 1);
                end[i]++;
                return end;
            }
        }
        return new byte[] {0};
    }

    /** The lines of a watch, each at most {@code limits.response.bytes}; closing ends the stream. */
    static final class WatchLines implements AutoCloseable {
        private final InputStream in;
        private final int maxLine;
        private final byte[] buf = new byte[8192];
        private int pos;
        private int end;

        WatchLines(InputStream in, int maxLine) {
            this.in = in;
            this.maxLine = maxLine;
        }

        /** The next non-empty line, or null at the end of the stream. Blocks; an interrupt ends it with an IOException. */
        String next() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                if (pos == end) {
                    int n = in.read(buf);
                    if (n < 0) {
                        return null;
                    }
                    pos = 0;
                    end = n;
                }
                while (pos < end) {
                    byte b = buf[pos++];
                    if (b == '\n') {
                        if (line.size() > 0) {
                            return line.toString(StandardCharsets.UTF_8);
                        }
                        continue;
                    }
                    if (b != '\r') {
                        line.write(b);
                    }
                    if (line.size() > maxLine) {
                        throw new ResponseTooLarge("a watch line");
                    }
                }
            }
        }

        /** Ends the stream; any thread, any number of times. */
        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException | RuntimeException ignored) {
                // the stream is going anyway
            }
        }
    }
}
