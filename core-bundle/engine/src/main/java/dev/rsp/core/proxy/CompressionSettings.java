package dev.rsp.core.proxy;

import dev.rsp.core.edge.HostPatterns;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Response compression as configured ({@code compression}, {@code compression.types}, {@code compression.min.bytes},
 * {@code compression.level}, {@code compression.hosts}, {@code compression.max.active}); see
 * {@link ResponseCompression} for when a response is compressed. Off by default: compressing costs CPU on the loop
 * threads (measured in bench/compression.sh), which a proxy in front of backends that compress themselves does not
 * want to pay. Immutable.
 *
 * @param gzip      whether gzip is applied ({@code compression = gzip}); false: compression is off
 * @param types     media types (lower case, no parameters) compressed; an entry {@code text/*} covers its type
 * @param minBytes  a response whose Content-Length is below it is sent as it is; one without a length is compressed
 * @param level     the deflate level, 1 (fastest) to 9 (smallest)
 * @param hosts     the hosts compressed ({@link HostPatterns}); {@link HostPatterns#NONE}: every host
 * @param maxActive the most responses compressed at once by the whole engine (each holds about 256 KB of zlib state);
 *                  beyond it responses go uncompressed ({@code compression.skipped.busy})
 */
record CompressionSettings(boolean gzip, Set<String> types, long minBytes, int level, HostPatterns hosts, int maxActive) {

    static final CompressionSettings OFF = new CompressionSettings(false, Set.of(), 1024, 5, HostPatterns.NONE, 256);

    CompressionSettings {
        types = Set.copyOf(types);
    }

    /** Reads the keys; each problem adds one line naming its key to {@code errors}. */
    static CompressionSettings parse(String coding, String types, long minBytes, int level, String hosts, int maxActive,
            List<String> errors) {
        String c = coding.strip().toLowerCase(Locale.ROOT);
        boolean gzip = c.equals("gzip");
        if (!gzip && !c.equals("off")) {
            errors.add("compression must be off or gzip, not '" + coding.strip() + "' (brotli is not built in)");
        }
        Set<String> parsed = new LinkedHashSet<>();
        for (String raw : types.split(",")) {
            String t = raw.strip().toLowerCase(Locale.ROOT);
            if (t.isEmpty()) {
                continue;
            }
            if (!mediaType(t)) {
                errors.add("compression.types: '" + raw.strip() + "' is not a media type such as text/html or text/* "
                        + "(no parameters)");
            } else {
                parsed.add(t);
            }
        }
        if (gzip && parsed.isEmpty()) {
            errors.add("compression.types must name at least one media type when compression is on");
        }
        if (minBytes < 0) {
            errors.add("compression.min.bytes must be 0 or more, not " + minBytes);
        }
        if (level < 1 || level > 9) {
            errors.add("compression.level must be 1 (fastest) to 9 (smallest), not " + level);
        }
        if (maxActive < 1) {
            errors.add("compression.max.active must be at least 1, not " + maxActive);
        }
        HostPatterns patterns = HostPatterns.parse("compression.hosts", hosts, errors);
        return new CompressionSettings(gzip, parsed, Math.max(0, minBytes), Math.max(1, Math.min(9, level)), patterns,
                Math.max(1, maxActive));
    }

    /** Whether responses for {@code host} (canonical) may be compressed. Allocates nothing. */
    boolean appliesTo(String host) {
        return gzip && (hosts.isEmpty() || hosts.matches(host));
    }

    /** Whether {@code mediaType} (lower case, no parameters) is one of {@link #types}. */
    boolean compressible(String mediaType) {
        if (types.contains(mediaType)) {
            return true;
        }
        int slash = mediaType.indexOf('/');
        return slash > 0 && types.contains(mediaType.substring(0, slash + 1) + "*");
    }

    /** type "/" subtype, both RFC 9110 tokens, or type "/*". */
    private static boolean mediaType(String t) {
        int slash = t.indexOf('/');
        if (slash <= 0 || slash == t.length() - 1) {
            return false;
        }
        String sub = t.substring(slash + 1);
        return token(t.substring(0, slash)) && (sub.equals("*") || token(sub));
    }

    private static boolean token(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            boolean ok = ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || "!#$%&'+-.^_`|~".indexOf(ch) >= 0;
            if (!ok) {
                return false;
            }
        }
        return !s.isEmpty();
    }
}
