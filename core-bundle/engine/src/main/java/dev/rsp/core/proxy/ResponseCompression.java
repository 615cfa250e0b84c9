package dev.rsp.core.proxy;

import dev.rsp.core.http.HttpHead;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * Decides whether one response is compressed ({@link CompressionSettings}). A response is gzipped when compression
 * applies to its host, it has a body (not HEAD, 1xx, 204, 304, 101), its media type is one of
 * {@code compression.types}, it has no Content-Encoding (nor a transfer coding besides chunked), it is not a range
 * (206, Content-Range), its Cache-Control does not say no-transform, its Content-Length (when it has one) is at least
 * {@code compression.min.bytes}, the client speaks HTTP/1.1 or HTTP/2 and its Accept-Encoding takes gzip, and fewer
 * than {@code compression.max.active} responses are being compressed.
 *
 * <p>Vary: a response whose form depends on the request's Accept-Encoding says so with {@code Vary: Accept-Encoding}
 * (unless its Vary already names it or {@code *}): every compressed one, and one that would have been compressed but
 * for this client's Accept-Encoding or the engine being busy, so that a shared cache does not hand a stored gzip body
 * to a client that cannot read it, nor keep only the plain one. A response skipped for a reason of its own (type,
 * size, no-transform, already encoded) does not vary by Accept-Encoding and gets no Vary.
 *
 * <p>Every skip of a response of a compressible type is counted by reason ({@code compression.skipped.*}). Called on
 * the loop thread once per final response head, only when compression is on; reads the head's fields once.
 */
final class ResponseCompression {

    enum Plan {
        /** Sent as it is, unchanged. */
        AS_IS,
        /** Sent uncompressed with {@code Vary: Accept-Encoding} added. */
        AS_IS_VARY,
        /** Gzipped, with {@code Vary: Accept-Encoding} added. */
        GZIP_VARY,
        /** Gzipped; the backend's Vary already covers Accept-Encoding. */
        GZIP;

        boolean compresses() {
            return this == GZIP || this == GZIP_VARY;
        }

        boolean addsVary() {
            return this == AS_IS_VARY || this == GZIP_VARY;
        }
    }

    private ResponseCompression() {
    }

    /**
     * The plan for response {@code h} (in {@code src}) to the exchange {@code facts} describes, framed as
     * {@code framing} says.
     */
    static Plan plan(CompressionSettings settings, ExchangeFacts facts, ByteBuffer src, HttpHead h, ResponseFraming framing,
            ProxyCounters counters) {
        if (!settings.appliesTo(facts.host) || framing.framing() == Pipe.Framing.NONE) {
            return Plan.AS_IS;
        }
        String type = null;
        boolean encoded = !h.transferCodings().isEmpty() && !h.transferCodings().equalsIgnoreCase("chunked");
        boolean range = h.status() == 206;
        boolean noTransform = false;
        boolean varied = false;
        for (int i = 0; i < h.headerCount(); i++) {
            if (h.nameIs(src, i, "content-type")) {
                type = mediaType(h.value(src, i));
            } else if (h.nameIs(src, i, "content-encoding")) {
                encoded |= !h.value(src, i).isBlank();
            } else if (h.nameIs(src, i, "content-range")) {
                range = true;
            } else if (h.nameIs(src, i, "cache-control")) {
                noTransform |= h.value(src, i).toLowerCase(Locale.ROOT).contains("no-transform");
            } else if (h.nameIs(src, i, "vary")) {
                varied |= coversAcceptEncoding(h.value(src, i));
            }
        }
        if (type == null || !settings.compressible(type)) {
            return Plan.AS_IS;
        }
        Counter skipped = encoded ? Counter.COMPRESSION_SKIPPED_ENCODED
                : range ? Counter.COMPRESSION_SKIPPED_RANGE
                : noTransform ? Counter.COMPRESSION_SKIPPED_NO_TRANSFORM
                : framing.framing() == Pipe.Framing.LENGTH && framing.length() < Math.max(1, settings.minBytes())
                        ? Counter.COMPRESSION_SKIPPED_SMALL
                : null;
        if (skipped != null) {
            counters.count(skipped);
            return Plan.AS_IS;
        }
        if (facts.http10 || !facts.acceptsGzip) {
            counters.count(Counter.COMPRESSION_SKIPPED_CLIENT);
            return varied ? Plan.AS_IS : Plan.AS_IS_VARY;
        }
        if (GzipSource.live() >= settings.maxActive()) {
            counters.count(Counter.COMPRESSION_SKIPPED_BUSY);
            return varied ? Plan.AS_IS : Plan.AS_IS_VARY;
        }
        return varied ? Plan.GZIP : Plan.GZIP_VARY;
    }

    /** The media type of a Content-Type value: before any parameter, trimmed, lower case. */
    static String mediaType(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }

    /** Whether a Vary value names Accept-Encoding or is {@code *}. */
    static boolean coversAcceptEncoding(String vary) {
        for (String member : vary.split(",")) {
            String m = member.strip();
            if (m.equals("*") || m.equalsIgnoreCase("accept-encoding")) {
                return true;
            }
        }
        return false;
    }
}
