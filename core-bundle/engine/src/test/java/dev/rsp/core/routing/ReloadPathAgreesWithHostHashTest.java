package dev.rsp.core.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.rsp.core.admin.ProbeRequest;
import dev.rsp.host.CanonicalHost;
import dev.rsp.host.HostNames;
import dev.rsp.routing.hosthash.HostHashStrategy;
import dev.rsp.routing.reloadpath.ReloadPathStrategy;
import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Property: for random domains in random letter case, with and without a trailing dot or a port, over random
 * backend sets, a reload URL naming a domain (routed by reload-path, then host-hash) and a request whose Host is
 * that domain (routed by host-hash) get the same backends. The real strategies run in the core's routing table with
 * the core's host canonicalization, as in production.
 */
class ReloadPathAgreesWithHostHashTest {

    static final int BACKEND_SETS = 60;
    static final int DOMAINS_PER_SET = 200;

    @Test
    void reloadUrlsGoWhereTheirDomainGoes() {
        SplittableRandom r = new SplittableRandom(42);
        RoutingTable table = new RoutingTable(Runnable::run);
        table.chainChanged(List.of("reload-path", "host-hash"));
        table.strategyAdded("reload-path", new ReloadPathStrategy(), 1, 0);
        table.strategyAdded("host-hash", new HostHashStrategy(java.util.Map.<String, Object>of()), 2, 0);
        int checked = 0;
        for (int set = 0; set < BACKEND_SETS; set++) {
            table.backendsChanged(randomBackends(r, set));
            RoutingSnapshot snapshot = table.current();
            for (int i = 0; i < DOMAINS_PER_SET; i++) {
                String domain = randomDomain(r);
                String spelledInPath = spell(r, domain);
                String spelledAsHost = spell(r, domain);
                String admin = spell(r, "admin" + r.nextInt(1000) + ".platform.example");

                Routing viaReload = snapshot.route(new ProbeRequest("POST",
                        "/api/v0/user/u" + i + "/webapps/" + spelledInPath + "/reload", "", canonical(admin)));
                Routing direct = snapshot.route(new ProbeRequest("GET", "/", "", canonical(spelledAsHost)));

                Routing.Routed a = assertInstanceOf(Routing.Routed.class, viaReload, spelledInPath);
                Routing.Routed b = assertInstanceOf(Routing.Routed.class, direct, spelledAsHost);
                assertEquals(b.candidates(), a.candidates(), () -> spelledInPath + " in a reload URL vs Host " + spelledAsHost);
                assertEquals("host-hash", a.strategy());
                checked++;
            }
        }
        assertEquals(BACKEND_SETS * DOMAINS_PER_SET, checked);
    }

    private static String canonical(String host) {
        return ((CanonicalHost.Valid) HostNames.canonical(host)).host();
    }

    private static Backends randomBackends(SplittableRandom r, int generation) {
        int n = 1 + r.nextInt(40);
        List<Backend> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(new Backend("be-" + generation + "-" + i + "-" + r.nextInt(1_000_000), "10.0.0." + (1 + i % 250),
                    8000 + i, 1 + r.nextInt(4)));
        }
        return new Backends(generation + 1, all);
    }

    /** A valid DNS name: labels of letters, digits and inner hyphens; a top-level label of letters. */
    private static String randomDomain(SplittableRandom r) {
        String letters = "abcdefghijklmnopqrstuvwxyz";
        String inner = letters + "0123456789-";
        StringBuilder sb = new StringBuilder();
        int labels = 2 + r.nextInt(3);
        for (int l = 0; l < labels; l++) {
            boolean tld = l == labels - 1;
            int len = 1 + r.nextInt(12);
            for (int c = 0; c < len; c++) {
                boolean edge = c == 0 || c == len - 1;
                String from = tld || edge ? letters : inner;
                sb.append(from.charAt(r.nextInt(from.length())));
            }
            if (!tld) {
                sb.append('.');
            }
        }
        return sb.toString();
    }

    /** The same name in random letter case, maybe with a trailing dot, maybe with a port. */
    private static String spell(SplittableRandom r, String domain) {
        StringBuilder sb = new StringBuilder();
        for (char c : domain.toCharArray()) {
            sb.append(r.nextBoolean() ? Character.toUpperCase(c) : c);
        }
        if (r.nextBoolean()) {
            sb.append('.');
        }
        if (r.nextInt(3) == 0) {
            sb.append(':').append(1 + r.nextInt(65535));
        }
        return sb.toString();
    }

}
