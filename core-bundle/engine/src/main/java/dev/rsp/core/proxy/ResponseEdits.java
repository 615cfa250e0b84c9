package dev.rsp.core.proxy;

import dev.rsp.core.edge.FieldEdits;
import dev.rsp.core.edge.HeaderRules;
import dev.rsp.core.http.HttpHead;
import dev.rsp.spi.routing.Backend;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * What changes in one backend response head on its way to the client, besides hop-by-hop and framing fields: fields
 * that rules of {@code rsp.headers} remove or set, Location, Content-Location and Refresh values that name the
 * backend's own address ({@code rewrite.location}, see {@link LocationRewrite}), and the fields added (HSTS, the
 * rules' set and add fields). One per loop, filled by {@link #prepare} just before the head is encoded and read only
 * while it is ({@link Downstream#encodeResponseHead} is synchronous): no allocation per response. Loop thread only.
 */
final class ResponseEdits {

    private final ProxyCounters counters;
    private String hsts;
    private HeaderRules rules = HeaderRules.NONE;
    private long mask;
    private boolean rewrite;
    private ProxyEngine engine;
    private Backend backend;
    private boolean tls;
    private String publicHost;
    /** Response compression's part ({@link ResponseCompression}): what {@link #encoding} set for this head. */
    private ResponseCompression.Plan plan = ResponseCompression.Plan.AS_IS;
    /** Set by {@link #rewrites}: field is a strong ETag to be sent weak (the body is compressed). */
    private boolean weakens;
    /** Set by {@link #rewrites}: where the URL and its path start in the field's value. */
    private int urlStart;
    private int pathStart;

    ResponseEdits(ProxyCounters counters) {
        this.counters = counters;
    }

    /**
     * Prepares the edits of the response head {@code h} (in {@code src}) for a request to the canonical {@code host},
     * as the client wrote it {@code forwardedHost}, from {@code backend}, to a client over TLS rsp terminated or not
     * ({@code tls}); null when nothing edits it.
     */
    ResponseEdits prepare(ProxyEngine engine, boolean tls, String host, String forwardedHost, Backend backend,
            ByteBuffer src, HttpHead h) {
        ProxySettings settings = engine.settings();
        String sts = tls ? settings.hsts().valueFor(host) : null;
        // The backend's own field wins; its head is searched only when HSTS applies to this response at all.
        if (sts != null && hasValue(src, h, "strict-transport-security")) {
            sts = null;
        }
        HeaderRules r = engine.headerRules;
        long m = r.size() == 0 ? 0 : r.match(host, backend.name(), false);
        plan = ResponseCompression.Plan.AS_IS;
        if (sts == null && m == 0 && !settings.rewriteLocation()) {
            return null;
        }
        if (m != 0) {
            counters.count(Counter.HEADERS_RESPONSE_EDITED);
        }
        this.hsts = sts;
        this.rules = r;
        this.mask = m;
        this.rewrite = settings.rewriteLocation();
        this.engine = engine;
        this.backend = backend;
        this.tls = tls;
        this.publicHost = forwardedHost;
        return this;
    }

    /**
     * Adds compression's edits to {@code prepared} (what {@link #prepare} returned for this head, maybe null):
     * {@code Content-Encoding: gzip} and a weak ETag when the body is compressed, {@code Vary: Accept-Encoding} when
     * the plan says so. Returns the edits to use: {@code prepared} when the plan changes nothing.
     */
    ResponseEdits encoding(ResponseEdits prepared, ResponseCompression.Plan p) {
        if (p == ResponseCompression.Plan.AS_IS) {
            return prepared;
        }
        if (prepared == null) {
            hsts = null;
            rules = HeaderRules.NONE;
            mask = 0;
            rewrite = false;
        }
        plan = p;
        return this;
    }

    /** Whether {@code h} has a field named {@code lowerName} with a value that is not empty; allocates nothing. */
    private static boolean hasValue(ByteBuffer src, HttpHead h, String lowerName) {
        for (int i = 0; i < h.headerCount(); i++) {
            if (h.valueEnd(i) > h.valueStart(i) && h.nameIs(src, i, lowerName)) {
                return true;
            }
        }
        return false;
    }

    /** Whether field {@code i} is dropped by a rule (removed, or set anew). */
    boolean drops(ByteBuffer src, HttpHead h, int i) {
        for (long m = mask; m != 0; m &= m - 1) {
            FieldEdits e = rules.rule(Long.numberOfTrailingZeros(m)).response();
            for (int k = 0; k < e.dropCount(); k++) {
                if (h.nameIs(src, i, e.drop(k))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether the value of field {@code i} is a URL naming the backend, to be written by {@link #writeValue}. */
    boolean rewrites(ByteBuffer src, HttpHead h, int i) {
        weakens = plan.compresses() && h.nameIs(src, i, "etag") && !weak(src, h.valueStart(i), h.valueEnd(i));
        if (weakens) {
            return true;
        }
        if (!rewrite) {
            return false;
        }
        int length = h.nameEnd(i) - h.nameStart(i);
        int vs = h.valueStart(i);
        int ve = h.valueEnd(i);
        if (length == 8 && h.nameIs(src, i, "location") || length == 16 && h.nameIs(src, i, "content-location")) {
            urlStart = vs;
        } else if (length == 7 && h.nameIs(src, i, "refresh")) {
            urlStart = LocationRewrite.refreshUrl(src, vs, ve);
            if (urlStart < 0) {
                return false;
            }
        } else {
            return false;
        }
        InetSocketAddress resolved = engine.directory().addresses().get(backend.name());
        String ip = resolved == null || resolved.isUnresolved() ? null : resolved.getAddress().getHostAddress();
        pathStart = LocationRewrite.pathStart(src, urlStart, ve, backend.host(), ip, backend.port());
        return pathStart >= 0;
    }

    /** Writes the value of field {@code i} with its URL's scheme and authority the client's ({@link #rewrites} said so). */
    void writeValue(ByteBuffer src, HttpHead h, int i, ByteBuffer out) {
        if (weakens) {
            HeadWriter.ascii(out, "W/");
            HeadWriter.copy(src, h.valueStart(i), h.valueEnd(i), out);
            return;
        }
        HeadWriter.copy(src, h.valueStart(i), urlStart, out);
        HeadWriter.ascii(out, tls ? "https://" : "http://");
        HeadWriter.ascii(out, publicHost);
        HeadWriter.copy(src, pathStart, h.valueEnd(i), out);
        counters.count(Counter.RESPONSE_LOCATION_REWRITTEN);
    }

    /**
     * Writes the added fields: HSTS (unless a rule removes or sets it), then each rule's set and add fields in rule
     * order, leaving out those a later rule sets or removes again. {@code h2}: lines for an HTTP/2 head
     * ({@code name:value\n}, names lower case), else HTTP/1 field lines.
     */
    void writeFields(ByteBuffer out, boolean h2) {
        if (plan.compresses()) {
            field(out, h2, h2 ? "content-encoding" : "Content-Encoding", "gzip");
        }
        if (plan.addsVary()) {
            field(out, h2, h2 ? "vary" : "Vary", "Accept-Encoding");
        }
        if (hsts != null && !laterDrops(-1, "strict-transport-security")) {
            field(out, h2, h2 ? "strict-transport-security" : Hsts.NAME, hsts);
        }
        for (long m = mask; m != 0; m &= m - 1) {
            int k = Long.numberOfTrailingZeros(m);
            FieldEdits e = rules.rule(k).response();
            for (int f = 0; f < e.fieldCount(); f++) {
                if (!laterDrops(k, e.lowerName(f))) {
                    field(out, h2, h2 ? e.lowerName(f) : e.name(f), e.value(f));
                }
            }
        }
    }

    /** An entity-tag that is already weak ({@code W/"..."}), or empty. */
    private static boolean weak(ByteBuffer src, int from, int to) {
        return to - from < 2 || src.get(from) == 'W' && src.get(from + 1) == '/';
    }

    private boolean laterDrops(int k, String lowerName) {
        long later = k < 0 ? mask : k == 63 ? 0 : mask & (-1L << (k + 1));
        for (long m = later; m != 0; m &= m - 1) {
            if (rules.rule(Long.numberOfTrailingZeros(m)).response().drops(lowerName)) {
                return true;
            }
        }
        return false;
    }

    private static void field(ByteBuffer out, boolean h2, String name, String value) {
        HeadWriter.ascii(out, name);
        HeadWriter.ascii(out, h2 ? ":" : ": ");
        HeadWriter.ascii(out, value);
        HeadWriter.ascii(out, h2 ? "\n" : "\r\n");
    }
}
