package dev.rsp.core.check;

import dev.rsp.config.PidCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * {@code bin/rsp check}: validates {@code etc/} without starting rsp, with the validators the running components use
 * (every {@code etc/rsp.*.cfg}, the Lua rules script, the certificates), and prints the lines a running rsp would log.
 * Runs on a plain class path of rsp's jars; each bundle contributes its checks as {@link PidCheck} services
 * ({@code META-INF/services}). Exit status: 0 nothing wrong (warnings allowed), 1 something would be refused, 2 usage.
 */
public final class CheckMain {

    private CheckMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    static int run(String[] args, PrintStream out) {
        Path home = Paths.get(System.getProperty("rsp.home", "."));
        Path etc = home.resolve("etc");
        if (args.length == 1 && !args[0].startsWith("-")) {
            etc = Paths.get(args[0]);
        } else if (args.length > 0) {
            out.println("usage: rsp check [etc directory]");
            return 2;
        }
        if (!Files.isDirectory(etc)) {
            out.println("ERROR rsp check: " + etc + " is not a directory");
            return 1;
        }
        List<PidCheck> checks = new ArrayList<>();
        ServiceLoader.load(PidCheck.class, CheckMain.class.getClassLoader()).forEach(checks::add);
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, Path> files = new TreeMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(etc, "rsp.*.cfg")) {
            dir.forEach(f -> files.put(f.getFileName().toString().replaceFirst("\\.cfg$", ""), f));
        } catch (IOException e) {
            out.println("ERROR rsp check: cannot list " + etc + ": " + e.getMessage());
            return 1;
        }
        for (Map.Entry<String, Path> f : files.entrySet()) {
            String pid = f.getKey();
            Map<String, String> properties;
            try {
                properties = read(f.getValue());
            } catch (IOException | IllegalArgumentException e) {
                errors.add(pid + ": cannot read " + f.getValue() + ": " + e.getMessage());
                continue;
            }
            List<PidCheck> readers = checks.stream().filter(c -> c.reads(pid)).toList();
            if (readers.isEmpty()) {
                warnings.add(pid + ": no bundle of this distribution reads this PID (" + f.getValue().getFileName() + ")");
            }
            readers.forEach(c -> c.check(pid, properties, home, errors, warnings));
        }
        if (!files.containsKey("rsp.core")) {
            errors.add("rsp.core: " + etc.resolve("rsp.core.cfg") + " is missing; the core does not start without it");
        }
        warnings.forEach(w -> out.println("WARN  " + w));
        errors.forEach(e -> out.println("ERROR " + e));
        if (!errors.isEmpty()) {
            out.println("rsp check: " + errors.size() + " error(s) in " + etc);
            return 1;
        }
        out.println("rsp check: " + etc + " OK (" + files.size() + " configuration files" + (warnings.isEmpty() ? ""
                : ", " + warnings.size() + " warning(s)") + ")");
        return 0;
    }

    /** A {@code .cfg} file as FileInstall reads it: Java properties, values without surrounding whitespace. */
    static Map<String, String> read(Path file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : new TreeMap<>(p).keySet().stream().map(String::valueOf).toList()) {
            out.put(key, p.getProperty(key).strip());
        }
        return out;
    }
}
