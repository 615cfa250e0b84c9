package dev.rsp.core.metatype;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * {@code bin/rsp config [PID]}: every key of every PID described by the metatype inside the jars of {@code bundle/}
 * and {@code deploy/} (type, default, accepted values, description), with the value {@code etc/<pid>.cfg} sets now.
 * Starts no framework. Exit status 0, 1 for a PID no jar describes (or an unreadable jar), 2 for a usage error.
 */
public final class ConfigMain {

    private ConfigMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, Path.of(System.getProperty("rsp.home", "."))));
    }

    static int run(String[] args, Path home) {
        if (args.length > 1 || args.length == 1 && args[0].startsWith("-")) {
            boolean help = args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"));
            (help ? System.out : System.err).println("Usage: rsp config [PID]  (every key of the PID, or of every PID, "
                    + "with its type, default, accepted values, the value etc/<pid>.cfg sets and its description)");
            return help ? 0 : 2;
        }
        Map<String, PidKeys> pids;
        try {
            pids = MetatypeJars.read(List.of(home.resolve("bundle"), home.resolve("deploy")));
        } catch (IOException e) {
            System.err.println("rsp config: " + e.getMessage());
            return 1;
        }
        if (args.length == 1 && !pids.containsKey(args[0])) {
            System.err.println("rsp config: no bundle in bundle/ or deploy/ describes the PID '" + args[0] + "' (known: "
                    + String.join(", ", pids.keySet()) + ")");
            return 1;
        }
        List<PidKeys> shown = args.length == 1 ? List.of(pids.get(args[0])) : List.copyOf(pids.values());
        System.out.print(ConfigTable.format(shown, pid -> setIn(home.resolve("etc").resolve(pid + ".cfg"))));
        return 0;
    }

    /** The keys {@code cfg} sets (read as FileInstall reads a .cfg: a properties file); empty when there is none. */
    static Map<String, String> setIn(Path cfg) {
        Map<String, String> set = new TreeMap<>();
        if (!Files.isRegularFile(cfg)) {
            return set;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(cfg, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            return set;
        }
        p.forEach((k, v) -> set.put(String.valueOf(k), String.valueOf(v).strip()));
        return set;
    }
}
