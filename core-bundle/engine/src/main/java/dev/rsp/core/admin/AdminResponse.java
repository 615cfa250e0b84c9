package dev.rsp.core.admin;

import dev.rsp.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** What the admin API answers: status, content type, body, and extra header fields. */
record AdminResponse(int status, String contentType, byte[] body, Map<String, String> headers) {

    static final String JSON = "application/json; charset=utf-8";
    static final String TEXT = "text/plain; charset=utf-8";

    static AdminResponse text(int status, String message) {
        return new AdminResponse(status, TEXT, (message + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static AdminResponse json(int status, Object value) {
        return new AdminResponse(status, JSON, Json.write(value).getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static AdminResponse of(String contentType, String body) {
        return new AdminResponse(200, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    AdminResponse with(String header, String value) {
        return new AdminResponse(status, contentType, body, Map.of(header, value));
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
