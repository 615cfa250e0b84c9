package dev.rsp.core.h2.hpack;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random header lists shaped like real ones: names and values drawn from small pools so that fields repeat across
 * blocks and exercise the dynamic tables, mixed with fresh names, long values that force evictions, and values
 * with every kind of octet HTTP/2 allows (no NUL, CR or LF, no leading or trailing whitespace).
 */
final class RandomFields {
    private static final String[] NAMES = {
        "content-type", "cache-control", "date", "server", "vary", "etag", "set-cookie", "content-length",
        "content-encoding", "last-modified", "location", "x-request-id", "x-frame-options", "accept-ranges",
        "strict-transport-security", "link", "expires", "age", "via", "x-custom",
    };
    private static final String[] VALUES = {
        "text/html; charset=utf-8", "no-cache", "private", "rsp", "accept-encoding", "gzip", "bytes", "0", "1234",
        "Mon, 21 Oct 2013 20:13:21 GMT", "max-age=31536000; includeSubDomains", "DENY", "/", "",
    };
    private static final int[] STATUSES = {200, 200, 200, 204, 301, 302, 304, 404, 500, 503};

    private RandomFields() {
    }

    static List<String> response(Random random) {
        List<String> fields = new ArrayList<>();
        fields.add(":status: " + STATUSES[random.nextInt(STATUSES.length)]);
        fields.addAll(regular(random));
        return fields;
    }

    static List<String> regular(Random random) {
        List<String> fields = new ArrayList<>();
        int count = random.nextInt(12);
        for (int i = 0; i < count; i++) {
            String name = name(random);
            // numeric where Jetty's oracle parses the value
            fields.add(name + ": " + (name.equals("content-length") ? String.valueOf(random.nextInt(100_000))
                    : value(random)));
        }
        return fields;
    }

    static String name(Random random) {
        if (random.nextInt(5) > 0) {
            return NAMES[random.nextInt(NAMES.length)];
        }
        StringBuilder name = new StringBuilder("x-");
        int length = 1 + random.nextInt(12);
        for (int i = 0; i < length; i++) {
            name.append("abcdefghijklmnopqrstuvwxyz0123456789-_".charAt(random.nextInt(38)));
        }
        return name.toString();
    }

    static String value(Random random) {
        int kind = random.nextInt(10);
        if (kind < 5) {
            return VALUES[random.nextInt(VALUES.length)];
        }
        int length = kind == 9 ? 200 + random.nextInt(3_000) : 1 + random.nextInt(40);
        StringBuilder value = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int c = random.nextInt(8) == 0 ? 0x80 + random.nextInt(0x80) : 0x20 + random.nextInt(0x5F);
            value.append((char) c);
        }
        // visible first and last octets: HTTP/2 values have no leading or trailing whitespace
        value.setCharAt(0, 'v');
        value.setCharAt(value.length() - 1, 'e');
        return value.toString();
    }
}
