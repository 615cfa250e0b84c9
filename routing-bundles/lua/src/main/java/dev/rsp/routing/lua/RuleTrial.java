package dev.rsp.routing.lua;

import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.RequestHead;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.net.IDN;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Runs a rules script for one made-up request, without traffic, and prints the decision and any error: what the
 * {@code rsp:luatest} Gogo command and {@code bin/rsp lua-test} do.
 */
final class RuleTrial {

    /** Exit status: a decision was printed. */
    static final int DECIDED = 0;
    /** Exit status: the script did not load, or its call failed (the request would pass). */
    static final int SCRIPT_ERROR = 1;

    private RuleTrial() {
    }

    /** A request as the trial makes it up; the host is canonicalized as the core does. */
    record Request(String method, String host, String path, String query, Map<String, String> headers, String sniName)
            implements RequestHead {

        Request {
            host = canonical(host);
            headers = Map.copyOf(headers);
        }

        @Override
        public Optional<String> header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().strip()).findFirst();
        }

        @Override
        public InetSocketAddress clientAddress() {
            return new InetSocketAddress("127.0.0.1", 40000);
        }

        @Override
        public Optional<String> sni() {
            return Optional.ofNullable(sniName);
        }

        static String canonical(String host) {
            String h = host.strip();
            int colon = h.lastIndexOf(':');
            if (colon > 0 && h.indexOf(':') == colon) {
                h = h.substring(0, colon);
            }
            if (h.endsWith(".")) {
                h = h.substring(0, h.length() - 1);
            }
            try {
                h = IDN.toASCII(h, IDN.ALLOW_UNASSIGNED);
            } catch (IllegalArgumentException notIdn) {
                // keep it as given; the core would have answered 400
            }
            return h.toLowerCase(Locale.ROOT);
        }
    }

    /** Runs {@code route} once and prints what happened; returns {@link #DECIDED} or {@link #SCRIPT_ERROR}. */
    static int run(Path script, Request request, List<String> backendNames, PrintStream out) {
        out.println("script:   " + script);
        out.println("request:  " + request.method() + " " + request.host() + " " + request.path()
                + (request.query().isEmpty() ? "" : "?" + request.query())
                + (request.headers().isEmpty() ? "" : "  headers " + request.headers()));
        out.println("backends: " + (backendNames.isEmpty() ? "(none)" : String.join(", ", backendNames)));
        CompiledScript.Outcome outcome = LuaRules.compile(script, Budget.DEFAULT);
        if (outcome instanceof CompiledScript.Failed f) {
            out.println("error:    " + f.message());
            return SCRIPT_ERROR;
        }
        CompiledScript compiled = ((CompiledScript.Compiled) outcome).script();
        List<Backend> list = new ArrayList<>();
        for (String name : backendNames) {
            list.add(new Backend(name, "127.0.0.1", 1, 1));
        }
        RuleErrors errors = new RuleErrors();
        ScriptState state = new ScriptState(compiled, new Answers(new Backends(0, list)));
        Decision d = state.call(request, errors);
        if (errors.total() > 0) {
            out.println("error:    " + errors.last());
            out.println("decision: pass (after the error; the next strategy decides)");
            return SCRIPT_ERROR;
        }
        out.println("decision: " + describe(d));
        out.println("cost:     " + state.instructionsUsed() + " of " + Budget.DEFAULT_INSTRUCTIONS + " instructions, "
                + state.patternStepsUsed() + " of " + Budget.DEFAULT_PATTERN_STEPS + " pattern steps");
        return DECIDED;
    }

    static String describe(Decision d) {
        if (d instanceof Decision.Route r) {
            return r.backends().size() == 1 ? "route " + r.backends().get(0)
                    : "route " + String.join(", ", r.backends()) + " (candidates, most preferred first)";
        }
        if (d instanceof Decision.Rehost r) {
            return "rehost " + r.host() + " (the strategies after lua route it as that host)";
        }
        return "pass (not mine: the next strategy decides)";
    }

    /** The backend names in {@code <home>/etc/rsp.backends.cfg}, or none when there is no such file. */
    static List<String> configuredBackends(Path home) {
        Path cfg = home.resolve("etc").resolve("rsp.backends.cfg");
        List<String> names = new ArrayList<>();
        if (!Files.isRegularFile(cfg)) {
            return names;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(cfg)) {
            p.load(r);
        } catch (IOException e) {
            return names;
        }
        p.stringPropertyNames().stream().filter(k -> k.startsWith("backend.")).map(k -> k.substring(8)).sorted()
                .forEach(names::add);
        return names;
    }

    /** Headers from {@code K=V} arguments. */
    static Map<String, String> headers(List<String> pairs) {
        Map<String, String> h = new LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("a header is NAME=VALUE, not '" + pair + "'");
            }
            h.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return h;
    }
}
