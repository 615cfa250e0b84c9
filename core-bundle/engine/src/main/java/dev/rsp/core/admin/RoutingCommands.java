package dev.rsp.core.admin;

import dev.rsp.config.Addresses;
import dev.rsp.core.ProxyControl;
import dev.rsp.core.routing.Explain;
import dev.rsp.spi.routing.Backend;
import java.io.IOException;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Gogo commands to look at routing without sending traffic ({@code rsp:route}, {@code rsp:whatif},
 * {@code rsp:backends}) and to switch the routing chain ({@code rsp:chain}). Each prints its text to the session
 * (Gogo gives each session its own System.out) rather than returning it: Karaf's non-interactive console
 * ({@code bin/client "rsp:chain"}) drops return values. The {@code ...Text} methods build the text.
 */
@Component(service = RoutingCommands.class, property = {
    "osgi.command.scope=rsp",
    "osgi.command.function=route",
    "osgi.command.function=whatif",
    "osgi.command.function=backends",
    "osgi.command.function=chain",
    "osgi.command.function=stats"})
public final class RoutingCommands {

    @Reference
    private ProxyControl core;

    @Reference
    private ConfigurationAdmin configAdmin;

    public RoutingCommands() {
    }

    /** For tests: the services DS would inject. */
    RoutingCommands(ProxyControl core, ConfigurationAdmin configAdmin) {
        this.core = core;
        this.configAdmin = configAdmin;
    }

    /**
     * {@code rsp:chain} prints the routing chain and the live strategies; {@code rsp:chain host-hash lua} sets the
     * chain of the running rsp (through ConfigAdmin, PID rsp.core). It does not edit etc/rsp.core.cfg: a restart
     * goes back to the file. A name that no installed strategy serves is refused unless the first argument is
     * {@code --force}.
     */
    public void chain(String... args) throws IOException, InvalidSyntaxException {
        System.out.print(chainText(args));
    }

    String chainText(String... args) throws IOException, InvalidSyntaxException {
        if (args.length == 0) {
            return "routing.chain = " + core.routing().current().chain() + System.lineSeparator()
                    + "live strategies: " + core.routing().current().liveStrategies() + System.lineSeparator();
        }
        boolean force = args[0].equals("--force");
        String[] names = force ? Arrays.copyOfRange(args, 1, args.length) : args;
        List<String> chain = Arrays.stream(names).flatMap(n -> Arrays.stream(n.split(","))).map(String::trim)
                .filter(n -> !n.isEmpty()).toList();
        for (String n : chain) {
            if (!n.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
                return "rsp:chain: '" + n + "' is not a strategy name";
            }
        }
        if (chain.isEmpty() || chain.size() != chain.stream().distinct().count()) {
            return "rsp:chain: give each strategy name once, e.g. rsp:chain reload-path host-hash";
        }
        if (!force) {
            java.util.Optional<String> refusal = ChainNames.refusal(chain, core.routing().installedStrategies(),
                    "rsp:chain --force " + String.join(" ", chain));
            if (refusal.isPresent()) {
                return "rsp:chain: " + refusal.get() + System.lineSeparator();
            }
        }
        Configuration[] found = configAdmin.listConfigurations("(service.pid=rsp.core)");
        if (found == null || found.length == 0) {
            return "rsp:chain: there is no rsp.core configuration (etc/rsp.core.cfg) to change";
        }
        Dictionary<String, Object> props = found[0].getProperties();
        props.put("routing.chain", String.join(", ", chain));
        found[0].update(props);
        List<String> missing = chain.stream().filter(n -> !core.routing().current().isLive(n)).toList();
        return "routing.chain set to " + chain + (missing.isEmpty() ? "" : "; not live yet: " + missing) + System.lineSeparator();
    }

    /** {@code rsp:route <host-or-url>}: the canonical key, each strategy's answer, the backend and the fallbacks. */
    public void route(String hostOrUrl) {
        System.out.print(routeText(hostOrUrl));
    }

    String routeText(String hostOrUrl) {
        ProbeRequest probe;
        try {
            probe = ProbeRequest.parse(hostOrUrl);
        } catch (IllegalArgumentException e) {
            return "rsp:route: " + e.getMessage();
        }
        Explain.Result r = Explain.explain(core.routing().current(), probe);
        StringBuilder out = new StringBuilder();
        out.append("key        ").append(r.key()).append("  (path ").append(probe.path()).append(")\n");
        r.steps().forEach(s -> out.append("  ").append(s).append('\n'));
        if (r.candidates().isEmpty()) {
            out.append("decided by (none): the request would get 503\n");
        } else {
            out.append("decided by ").append(r.strategy()).append('\n');
            out.append("backend    ").append(r.candidates().get(0)).append('\n');
            out.append("fallbacks  ").append(r.candidates().subList(1, r.candidates().size())).append('\n');
        }
        return out.toString();
    }

    /**
     * {@code rsp:whatif add <name> <host:port> [weight]}, {@code rsp:whatif remove <name>},
     * {@code rsp:whatif weight <name> <weight>}: what would move, before anything is applied.
     */
    public void whatif(String action, String... args) {
        System.out.print(whatifText(action, args));
    }

    String whatifText(String action, String... args) {
        WhatIf.Change change;
        try {
            change = parse(action, args);
            WhatIf.Report report = WhatIf.analyse(core.routing(), change, core.engine().views().recentHosts());
            return format(report);
        } catch (IllegalArgumentException e) {
            return "rsp:whatif: " + e.getMessage() + "\nusage: rsp:whatif add <name> <host:port> [weight] | remove <name> | weight <name> <weight>";
        }
    }

    /** {@code rsp:backends}: every backend with its address, weight, health and traffic. */
    public void backends() {
        System.out.print(backendsText());
    }

    String backendsText() {
        StringBuilder out = new StringBuilder();
        java.util.Map<String, dev.rsp.core.metrics.TrafficStats> traffic = core.engine().views().metrics().backends();
        List<String> lines = core.engine().views().describeBackends();
        List<dev.rsp.core.proxy.EngineReports.BackendStatus> status = core.engine().views().backendStatus();
        for (int i = 0; i < lines.size(); i++) {
            out.append(lines.get(i));
            if (i < status.size()) {
                out.append("  ").append(StatsText.traffic(traffic.get(status.get(i).backend().name())));
            }
            out.append('\n');
        }
        return out.length() == 0 ? "no backends configured (etc/rsp.backends.cfg)\n" : out.toString();
    }

    /** {@code rsp:stats}: what {@code GET /api/stats} answers, as text: totals, backends, strategies, outcomes. */
    public void stats() {
        System.out.print(statsText());
    }

    String statsText() {
        return StatsText.render(core);
    }

    static WhatIf.Change parse(String action, String... args) {
        switch (action) {
            case "add": {
                if (args.length < 2 || args.length > 3) {
                    throw new IllegalArgumentException("add needs <name> <host:port> [weight]");
                }
                Addresses.Parsed address = Addresses.parse(args[1], Addresses.Ports.CONNECT);
                if (address instanceof Addresses.Refused refused) {
                    throw new IllegalArgumentException("address " + args[1] + ": " + refused.reason());
                }
                Addresses.Address a = (Addresses.Address) address;
                return new WhatIf.Add(new Backend(args[0], a.host(), a.port(), args.length == 3 ? number(args[2]) : 1));
            }
            case "remove":
                if (args.length != 1) {
                    throw new IllegalArgumentException("remove needs <name>");
                }
                return new WhatIf.Remove(args[0]);
            case "weight":
                if (args.length != 2) {
                    throw new IllegalArgumentException("weight needs <name> <weight>");
                }
                return new WhatIf.Weight(args[0], number(args[1]));
            default:
                throw new IllegalArgumentException("unknown action '" + action + "'");
        }
    }

    static String format(WhatIf.Report r) {
        StringBuilder out = new StringBuilder("what if: ").append(r.change()).append('\n');
        line(out, "recent hosts", r.recent());
        line(out, "synthetic sample", r.synthetic());
        return out.toString();
    }

    private static void line(StringBuilder out, String label, WhatIf.Movement m) {
        out.append(String.format("%-17s %d of %d would move (%.2f%%)%n", label, m.moved(), m.hosts(), 100 * m.share()));
        for (Map.Entry<String, Integer> e : m.flows().entrySet()) {
            out.append(String.format("    %-40s %d%n", e.getKey(), e.getValue()));
        }
    }

    private static int number(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: " + s);
        }
    }
}
