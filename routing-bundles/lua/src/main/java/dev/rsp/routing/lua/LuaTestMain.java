package dev.rsp.routing.lua;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bin/rsp lua-test <script> --host H --path P [--header K=V]... [--method M] [--query Q] [--sni S]
 * [--backend NAME]...}: runs a rules script for one request on a plain class path, without Felix and without
 * traffic. Backends default to the names in {@code $RSP_HOME/etc/rsp.backends.cfg} (system property
 * {@code rsp.home}). Exit status: 0 a decision was printed, 1 the script failed, 2 usage error.
 */
public final class LuaTestMain {

    static final String USAGE = "usage: rsp lua-test <script> --host H --path P [--header K=V]... [--method M] "
            + "[--query Q] [--sni NAME] [--backend NAME]...";

    private LuaTestMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        String script = null;
        String host = null;
        String path = null;
        String method = "GET";
        String query = "";
        String sni = null;
        List<String> headers = new ArrayList<>();
        List<String> backends = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--host" -> host = value(args, ++i, a);
                    case "--path" -> path = value(args, ++i, a);
                    case "--header" -> headers.add(value(args, ++i, a));
                    case "--method" -> method = value(args, ++i, a);
                    case "--query" -> query = value(args, ++i, a);
                    case "--sni" -> sni = value(args, ++i, a);
                    case "--backend" -> {
                        if (backends == null) {
                            backends = new ArrayList<>();
                        }
                        backends.add(value(args, ++i, a));
                    }
                    case "-h", "--help" -> {
                        System.out.println(USAGE);
                        return 0;
                    }
                    default -> {
                        if (a.startsWith("-") || script != null) {
                            throw new IllegalArgumentException("unexpected argument '" + a + "'");
                        }
                        script = a;
                    }
                }
            }
            if (script == null || host == null || path == null) {
                throw new IllegalArgumentException("a script, --host and --path are required");
            }
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("--path must start with /");
            }
            Path file = Paths.get(script);
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("no script file " + file);
            }
            if (backends == null) {
                String home = System.getProperty("rsp.home");
                backends = home == null ? List.of() : RuleTrial.configuredBackends(Paths.get(home));
            }
            RuleTrial.Request request = new RuleTrial.Request(method, host, path, query, RuleTrial.headers(headers), sni);
            return RuleTrial.run(file.toAbsolutePath(), request, backends, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("rsp lua-test: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
