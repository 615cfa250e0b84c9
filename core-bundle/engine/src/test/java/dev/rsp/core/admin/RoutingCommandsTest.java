package dev.rsp.core.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.routing.Explain;
import dev.rsp.core.routing.RoutingTable;
import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.RoutingStrategy;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Explain and what-if over a table with a rehosting strategy in front of a hashing one. */
class RoutingCommandsTest {

    RoutingTable table;

    /** Routes by a hash of the host modulo the number of backends (a stand-in for host-hash). */
    static final RoutingStrategy MOD_HASH = all -> request -> all.all().isEmpty() ? Decision.pass()
            : Decision.to(all.all().get(Math.floorMod(request.host().hashCode(), all.all().size())).name());

    /** Rehosts paths ending in /reload to their second-to-last segment. */
    static final RoutingStrategy RELOAD = all -> request -> {
        String[] seg = request.path().split("/");
        return seg.length >= 3 && seg[seg.length - 1].equals("reload") ? Decision.rehost(seg[seg.length - 2]) : Decision.pass();
    };

    @BeforeEach
    void setUp() {
        table = new RoutingTable(Runnable::run);
        table.chainChanged(List.of("reload", "hash"));
        table.strategyAdded("reload", RELOAD, 1, 0);
        table.strategyAdded("hash", MOD_HASH, 2, 0);
        table.backendsChanged(new Backends(1, List.of(new Backend("a", "127.0.0.1", 1, 1), new Backend("b", "127.0.0.1", 2, 1))));
    }

    @Test
    void explainShowsTheRehostAndTheDecision() {
        ProbeRequest p = ProbeRequest.parse("http://Admin.Example.com:8080/api/v0/user/fred/webapps/Fred.Example.COM./reload");
        assertEquals("admin.example.com", p.host());
        Explain.Result r = Explain.explain(table.current(), p);
        assertEquals("hash", r.strategy());
        assertEquals(List.of("reload: route as if the host were fred.example.com", "hash: route " + r.candidates()), r.steps());
        Explain.Result direct = Explain.explain(table.current(), ProbeRequest.parse("fred.example.com"));
        assertEquals(direct.candidates(), r.candidates(), "the reload URL goes where its domain goes");
    }

    @Test
    void whatIfRemoveMovesOnlyTheRemovedBackendsHostsWhenTheStrategyIsStable() {
        WhatIf.Report r = WhatIf.analyse(table, new WhatIf.Remove("b"), Set.of("x.example", "y.example"));
        assertEquals(WhatIf.SYNTHETIC_HOSTS, r.synthetic().hosts());
        assertTrue(r.synthetic().moved() > 0);
        assertTrue(r.synthetic().flows().keySet().stream().allMatch(k -> k.endsWith("-> a")), r.synthetic().flows().toString());
        assertEquals(2, r.recent().hosts());
        // nothing was applied
        assertEquals(2, table.current().backends().all().size());
    }

    @Test
    void rspChainRefusesANameThatIsNotInstalledUnlessForced() throws Exception {
        Hashtable<String, Object> props = new Hashtable<>(Map.of("routing.chain", "reload, hash"));
        try (AdminFixture f = new AdminFixture()) {
            RoutingCommands commands = new RoutingCommands(f, configAdmin(props));
            assertEquals("rsp:chain: no strategy 'hsah' is installed (installed: hash, reload); "
                    + "rsp:chain --force reload hsah sets the chain anyway", commands.chainText("reload", "hsah").strip());
            assertEquals("reload, hash", props.get("routing.chain"), "nothing was written");

            String forced = commands.chainText("--force", "reload,", "lua", "hash");
            assertTrue(forced.startsWith("routing.chain set to [reload, lua, hash]; not live yet: [lua]"), forced);
            assertEquals("reload, lua, hash", props.get("routing.chain"));
            assertTrue(commands.chainText("hash", "reload").startsWith("routing.chain set to [hash, reload]"));
        }
    }

    /** A ConfigurationAdmin holding one configuration, rsp.core, whose properties are {@code props}. */
    static ConfigurationAdmin configAdmin(Hashtable<String, Object> props) {
        Configuration core = proxy(Configuration.class, (method, args) -> switch (method) {
            case "getProperties" -> new Hashtable<>(props);
            case "update" -> {
                @SuppressWarnings("unchecked")
                Dictionary<String, Object> next = (Dictionary<String, Object>) args[0];
                props.clear();
                Collections.list(next.keys()).forEach(k -> props.put(k, next.get(k)));
                yield null;
            }
            default -> throw new UnsupportedOperationException(method);
        });
        return proxy(ConfigurationAdmin.class, (method, args) -> switch (method) {
            case "listConfigurations" -> new Configuration[] {core};
            default -> throw new UnsupportedOperationException(method);
        });
    }

    interface Calls {
        Object call(String method, Object[] args);
    }

    static <T> T proxy(Class<T> type, Calls calls) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (self, m, args) -> calls.call(m.getName(), args)));
    }

    @Test
    void badInputGetsAMessage() {
        assertThrows(IllegalArgumentException.class, () -> ProbeRequest.parse("bad host"));
        assertThrows(IllegalArgumentException.class, () -> RoutingCommands.parse("grow", "a"));
        assertThrows(IllegalArgumentException.class, () -> RoutingCommands.parse("add", "c", "nohostport"));
        assertThrows(IllegalArgumentException.class, () -> WhatIf.analyse(table, new WhatIf.Remove("zz"), Set.of()));
        assertThrows(IllegalArgumentException.class, () -> WhatIf.analyse(table,
                new WhatIf.Add(new Backend("a", "h", 1, 1)), Set.of()));
    }

    /** A what-if weight change must not turn an HTTP/2 or TLS backend into a plain HTTP/1.1 one in the simulation. */
    @Test
    void aWeightChangeKeepsTheProtocolAndTls() {
        Backend grpc = new Backend("g", "10.0.0.9", 50051, 1, Backend.Protocol.H2, Backend.Tls.VERIFIED);
        Backends after = new WhatIf.Weight("g", 5).applyTo(new Backends(1, List.of(grpc)));
        assertEquals(new Backend("g", "10.0.0.9", 50051, 5, Backend.Protocol.H2, Backend.Tls.VERIFIED), after.all().get(0));
    }

    @Test
    void formatListsSharesAndFlows() {
        String text = RoutingCommands.format(WhatIf.analyse(table, RoutingCommands.parse("add", "c", "127.0.0.1:3", "2"), Set.of()));
        assertTrue(text.contains("synthetic sample") && text.contains("would move"), text);
        assertTrue(text.contains("-> c"), text);
    }
}
