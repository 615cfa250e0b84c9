package dev.rsp.core.admin;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One admin request, read and bounded by {@link AdminServer}: method, path, decoded query and form parameters (an
 * {@code application/x-www-form-urlencoded} body), the Authorization header and who sent it. Parameters are only
 * ever compared, parsed as numbers or names, or echoed escaped; nothing is evaluated.
 */
record AdminRequest(String method, String path, Map<String, String> params, String authorization, String remote) {

    static final int MAX_PARAMS = 32;
    static final int MAX_VALUE_CHARS = 2048;

    Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name));
    }

    /** The parameter or a 400 naming it. */
    String required(String name) {
        String v = params.get(name);
        if (v == null || v.isBlank()) {
            throw new BadRequest("missing parameter '" + name + "'");
        }
        return v.trim();
    }

    /**
     * Decodes {@code a=1&b=2} (query strings and form bodies) into {@code into}; a repeated name, more than
     * {@link #MAX_PARAMS} parameters, a value longer than {@link #MAX_VALUE_CHARS} or bad %-encoding is a 400.
     */
    static Map<String, String> decode(String raw, Map<String, String> into) {
        if (raw == null || raw.isEmpty()) {
            return into;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k;
            String v;
            try {
                k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new BadRequest("bad %-encoding in parameters");
            }
            if (k.length() > 64 || v.length() > MAX_VALUE_CHARS) {
                throw new BadRequest("parameter too long: '" + (k.length() > 64 ? k.substring(0, 64) : k) + "'");
            }
            if (into.putIfAbsent(k, v) != null) {
                throw new BadRequest("parameter '" + k + "' given twice");
            }
            if (into.size() > MAX_PARAMS) {
                throw new BadRequest("too many parameters (at most " + MAX_PARAMS + ")");
            }
        }
        return into;
    }

    static Map<String, String> params(String query, String form) {
        return decode(form, decode(query, new LinkedHashMap<>()));
    }

    /** A request that is wrong in a way the client can fix: answered 400 with the message as a plain-text body. */
    static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        BadRequest(String message) {
            this(400, message);
        }

        BadRequest(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        int status() {
            return status;
        }
    }
}
