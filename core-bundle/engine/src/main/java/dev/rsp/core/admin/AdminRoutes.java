package dev.rsp.core.admin;

import dev.rsp.core.ProxyControl;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * Which admin endpoint answers which method and path, and the guard in front of mutations: without a configured
 * token they are off (403); with one, a request without the right {@code Authorization: Bearer} is refused (401).
 * Socket-free: {@link AdminServer} turns HTTP exchanges into {@link AdminRequest}s and back.
 */
final class AdminRoutes {

    private final ProxyControl core;
    private final AdminSettings settings;
    private final ReadApi read;
    private final CertificatesApi certificates;
    private final Mutations mutations;
    private final String page;

    AdminRoutes(ProxyControl core, AdminSettings settings, ConfigStore store) {
        this.core = core;
        this.settings = settings;
        this.read = new ReadApi(core);
        this.certificates = new CertificatesApi(core);
        this.mutations = new Mutations(store, () -> core.routing().installedStrategies());
        this.page = resource("status.html");
    }

    AdminResponse handle(AdminRequest r) {
        try {
            return switch (r.path()) {
                case "/", "/index.html" -> only(r, "GET") ? AdminResponse.of("text/html; charset=utf-8", page) : notAllowed("GET");
                case "/metrics" -> only(r, "GET") ? AdminResponse.of(PrometheusText.CONTENT_TYPE, MetricsExposition.render(core)) : notAllowed("GET");
                case "/api/stats" -> only(r, "GET") ? read.stats() : notAllowed("GET");
                case "/api/timeseries" -> only(r, "GET") ? read.timeseries(r) : notAllowed("GET");
                case "/api/route" -> only(r, "GET") ? read.route(r) : notAllowed("GET");
                case "/api/certificates" -> only(r, "GET") ? certificates.list(r) : notAllowed("GET");
                case "/api/whatif" -> only(r, "POST") ? read.whatif(r) : notAllowed("POST");
                case "/api/backends" -> switch (r.method()) {
                    case "GET" -> read.backends();
                    case "POST" -> guarded(r, () -> unlessFromEtcd(() -> mutations.putBackend(r)));
                    case "DELETE" -> guarded(r, () -> unlessFromEtcd(() -> mutations.removeBackend(r)));
                    default -> notAllowed("GET, POST, DELETE");
                };
                case "/api/chain" -> switch (r.method()) {
                    case "GET" -> AdminResponse.json(200, Map.of("chain", core.routing().current().chain(),
                            "live_strategies", java.util.List.copyOf(core.routing().current().liveStrategies())));
                    case "PUT" -> guarded(r, () -> mutations.chain(r));
                    default -> notAllowed("GET, PUT");
                };
                default -> AdminResponse.text(404, "not found: " + r.path());
            };
        } catch (AdminRequest.BadRequest e) {
            return AdminResponse.text(e.status(), e.getMessage());
        }
    }

    /** A 409 while the backends come from etcd (a change of etc/rsp.backends.cfg would not be used), else {@code m}. */
    private AdminResponse unlessFromEtcd(Mutation m) throws IOException {
        if (core.etcdStats().state() != dev.rsp.core.etcd.EtcdStats.State.OFF) {
            return AdminResponse.text(409, "the backends come from etcd (etc/rsp.etcd.cfg): change them there, under "
                    + "<prefix>backends/<name>");
        }
        return m.run();
    }

    private static boolean only(AdminRequest r, String method) {
        return r.method().equals(method);
    }

    private static AdminResponse notAllowed(String allow) {
        return AdminResponse.text(405, "method not allowed; use " + allow).with("Allow", allow);
    }

    interface Mutation {
        AdminResponse run() throws IOException;
    }

    private AdminResponse guarded(AdminRequest r, Mutation m) {
        if (settings.token().isEmpty()) {
            return AdminResponse.text(403, "mutations are off: set token in etc/rsp.admin.cfg to turn them on");
        }
        if (!settings.authorizes(r.authorization())) {
            return AdminResponse.text(401, "missing or wrong Authorization: Bearer <token>").with("WWW-Authenticate", "Bearer");
        }
        try {
            return m.run();
        } catch (IOException e) {
            return AdminResponse.text(500, "configuration store failed: " + e.getMessage());
        }
    }

    /** Methods that carry a form body. */
    static final Set<String> WITH_BODY = Set.of("POST", "PUT", "DELETE");

    private static String resource(String name) {
        try (InputStream in = AdminRoutes.class.getResourceAsStream(name)) {
            if (in == null) {
                return "<!doctype html><title>rsp</title><p>status page missing from the bundle</p>";
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
