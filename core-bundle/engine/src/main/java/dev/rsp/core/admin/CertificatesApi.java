package dev.rsp.core.admin;

import dev.rsp.core.ProxyControl;
import dev.rsp.spi.tls.CertificateInfo;
import dev.rsp.spi.tls.TlsFront;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/certificates[?name=part][&limit=N]}: the certificates the TLS listeners serve or manage, from their
 * fronts' indexes (nothing is loaded to answer): names, key type, issuer, expiry, source, whether loaded, next renewal
 * and last error. {@code limit} defaults to 100 and is at most 10,000 ({@code total} says how many there are). Admin
 * threads only.
 */
final class CertificatesApi {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 10_000;

    private final ProxyControl core;

    CertificatesApi(ProxyControl core) {
        this.core = core;
    }

    AdminResponse list(AdminRequest r) {
        String name = r.param("name").orElse("").trim();
        int limit = limit(r.param("limit").orElse(""));
        Instant now = Instant.now();
        int total = 0;
        List<Object> rows = new ArrayList<>();
        for (TlsFront front : core.engine().tlsFronts()) {
            total += front.certificateCount();
            for (CertificateInfo c : front.certificates(name, limit - rows.size())) {
                if (rows.size() < limit) {
                    rows.add(row(c, now));
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("total", total);
        out.put("listed", rows.size());
        out.put("certificates", rows);
        return AdminResponse.json(200, out);
    }

    private static int limit(String value) {
        if (value.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new AdminRequest.BadRequest(400, "limit must be a whole number from 1 to " + MAX_LIMIT);
    }

    private static Map<String, Object> row(CertificateInfo c, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("names", c.names());
        m.put("key_type", c.keyType());
        m.put("issuer", c.issuer());
        m.put("not_after", c.notAfter().toString());
        m.put("days_left", Duration.between(now, c.notAfter()).toDays());
        m.put("source", c.source());
        m.put("file", c.file().orElse(null));
        m.put("loaded", c.loaded());
        m.put("next_renewal", c.nextRenewal().map(Instant::toString).orElse(null));
        m.put("last_error", c.lastError().orElse(null));
        return m;
    }
}
