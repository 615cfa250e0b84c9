package dev.rsp.core.admin;

import dev.rsp.core.backend.BackendsConfig;
import dev.rsp.core.backend.ParsedBackends;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's changes: add or replace a backend, remove one, set the routing chain. Each goes through
 * ConfigAdmin exactly like an edit of the configuration ({@code rsp.backends} through the core's backends path,
 * {@code rsp.core}'s {@code routing.chain} like {@code rsp:chain}), so the same validation applies. The change
 * lives in ConfigAdmin until rsp restarts or the file in etc/ is edited: FileInstall does not write it back
 * ({@code felix.fileinstall.enableConfigSave=false}). Every accepted change is logged with who asked.
 * Authorization is checked by {@link AdminRoutes} before any method here runs.
 */
final class Mutations {

    private static final Logger log = LoggerFactory.getLogger("dev.rsp.core.admin");
    static final String CORE_PID = "rsp.core";
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,62}";

    private final ConfigStore store;
    private final Supplier<Set<String>> installedStrategies;

    /** @param installedStrategies the strategy names installed now (see {@link ChainNames}) */
    Mutations(ConfigStore store, Supplier<Set<String>> installedStrategies) {
        this.store = store;
        this.installedStrategies = installedStrategies;
    }

    /** {@code POST /api/backends} with {@code name}, {@code address} (host:port) and optional {@code weight}. */
    AdminResponse putBackend(AdminRequest r) throws IOException {
        String name = r.required("name");
        String address = r.required("address");
        String value = address + r.param("weight").map(w -> ";weight=" + w.trim()).orElse("");
        String key = BackendsConfig.KEY_PREFIX + name;
        if (BackendsConfig.parse(Map.of(key, value), 1) instanceof ParsedBackends.Invalid invalid) {
            throw new AdminRequest.BadRequest(String.join("; ", invalid.errors()));
        }
        Map<String, Object> props = store.read(BackendsConfig.PID);
        boolean replaced = props.containsKey(key);
        props.put(key, value);
        if (BackendsConfig.parse(props, 1) instanceof ParsedBackends.Invalid invalid) {
            throw new AdminRequest.BadRequest("the backends would not be valid: " + String.join("; ", invalid.errors()));
        }
        store.write(BackendsConfig.PID, props);
        log.info("admin API: {} {} backend {} = {}", r.remote(), replaced ? "changed" : "added", name, value);
        return AdminResponse.json(replaced ? 200 : 201, Map.of("backend", name, "value", value,
                "note", "applied through ConfigAdmin within a second; etc/rsp.backends.cfg is not rewritten"));
    }

    /** {@code DELETE /api/backends?name=..}. */
    AdminResponse removeBackend(AdminRequest r) throws IOException {
        String name = r.required("name");
        String key = BackendsConfig.KEY_PREFIX + name;
        Map<String, Object> props = store.read(BackendsConfig.PID);
        if (!props.containsKey(key)) {
            return AdminResponse.text(404, "no backend named '" + name + "' in rsp.backends");
        }
        props.remove(key);
        store.write(BackendsConfig.PID, props);
        log.info("admin API: {} removed backend {}", r.remote(), name);
        return AdminResponse.json(200, Map.of("removed", name,
                "note", "it finishes its open requests; etc/rsp.backends.cfg is not rewritten"));
    }

    /**
     * {@code PUT /api/chain} with {@code chain=reload-path,host-hash}; a name no installed strategy serves is a 400
     * unless {@code force=true}.
     */
    AdminResponse chain(AdminRequest r) throws IOException {
        List<String> chain = parseChain(r.required("chain"));
        boolean force = switch (r.param("force").orElse("false").strip()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new AdminRequest.BadRequest("force is true or false");
        };
        if (!force) {
            ChainNames.refusal(chain, installedStrategies.get(), "force=true").ifPresent(refusal -> {
                throw new AdminRequest.BadRequest(refusal);
            });
        }
        if (!store.exists(CORE_PID)) {
            return AdminResponse.text(409, "there is no rsp.core configuration (etc/rsp.core.cfg) to change");
        }
        Map<String, Object> props = new LinkedHashMap<>(store.read(CORE_PID));
        props.put("routing.chain", String.join(", ", chain));
        store.write(CORE_PID, props);
        log.info("admin API: {} set routing.chain = {}{}", r.remote(), chain, force ? " (forced)" : "");
        return AdminResponse.json(200, Map.of("chain", chain));
    }

    /** Strategy names separated by commas or spaces, each once, each a plain name. */
    static List<String> parseChain(String raw) {
        List<String> chain = Arrays.stream(raw.split("[,\\s]+")).map(String::trim).filter(n -> !n.isEmpty()).toList();
        for (String n : chain) {
            if (!n.matches(NAME)) {
                throw new AdminRequest.BadRequest("'" + n + "' is not a strategy name");
            }
        }
        if (chain.isEmpty() || chain.size() > 16 || chain.size() != chain.stream().distinct().count()) {
            throw new AdminRequest.BadRequest("give 1 to 16 strategy names, each once, e.g. chain=reload-path,host-hash");
        }
        return chain;
    }
}
