package dev.rsp.routing.lua;

import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Router;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lua strategy without OSGi: the configuration in force, the script version in force, the file watch, and
 * {@link #build}. A new version (an edited script, a changed configuration) is compiled on the thread that noticed
 * it (the watch thread, or Declarative Services' thread), never a loop thread; when it compiles and its top level
 * runs, it replaces the old one and {@code onNewVersion} is told (the component then bumps its service properties
 * so that the core builds new routers). When it does not, the error is logged as {@code file:line: message} and the
 * old version stays.
 */
final class LuaRules implements AutoCloseable {

    static final String PID = "rsp.routing.lua";
    static final String DEFAULT_SCRIPT = "etc/rules.lua";
    static final long DEFAULT_WATCH_MS = 500;
    static final int MAX_SCRIPT_BYTES = 1 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(LuaRules.class);

    private final Runnable onNewVersion;
    private final RuleErrors errors = new RuleErrors();
    private volatile CompiledScript current;
    /** The name compile errors carry when the rules come from {@code script.text}. */
    static final String TEXT_NAME = "script.text";

    private Path path;
    /** The rules text of {@code script.text}, or empty: the file at {@link #path}. */
    private String text = "";
    private Budget budget = Budget.DEFAULT;
    private long watchMs = DEFAULT_WATCH_MS;
    private ScriptWatch watch;

    LuaRules(Runnable onNewVersion) {
        this.onNewVersion = onNewVersion;
    }

    /**
     * Applies a configuration, or logs why not and keeps the one in force; then (re)loads the script.
     *
     * @return true when the configuration was accepted
     */
    synchronized boolean configure(String script, Budget b, long watchIntervalMs) {
        return configure(script, "", b, watchIntervalMs);
    }

    /**
     * The same, with the rules text itself ({@code script.text}, e.g. from etcd): when it is not blank it is compiled
     * instead of the file, and the file is not watched; blank, the file is used again.
     */
    synchronized boolean configure(String script, String scriptText, Budget b, long watchIntervalMs) {
        String problem = b.problem();
        if (problem == null && scriptText.getBytes(StandardCharsets.UTF_8).length > MAX_SCRIPT_BYTES) {
            problem = "script.text is larger than " + MAX_SCRIPT_BYTES + " bytes";
        }
        if (problem == null && (watchIntervalMs < 50 || watchIntervalMs > 60_000)) {
            problem = "watch.interval.ms must be 50 to 60000, not " + watchIntervalMs;
        }
        if (problem == null && (script == null || script.isBlank())) {
            problem = "script must name a file";
        }
        if (problem != null) {
            LOG.error("{}: configuration rejected: {}; keeping script = {}, {}", PID, problem, path, budget);
            return false;
        }
        Path p = resolve(script);
        boolean fromText = !scriptText.isBlank();
        boolean rewatch = !fromText && (!p.equals(path) || watchIntervalMs != watchMs || watch == null || !text.isEmpty());
        path = p;
        budget = b;
        watchMs = watchIntervalMs;
        text = fromText ? scriptText : "";
        if (fromText) {
            stopWatch();
        }
        if (rewatch) {
            stopWatch();
            watch = new ScriptWatch(p, watchMs, this::reload);
        }
        reload();
        return true;
    }

    /** Compiles the script file now; swaps it in when it compiles and loads. Off the loop threads only. */
    synchronized boolean reload() {
        if (path == null) {
            return false;
        }
        CompiledScript.Outcome outcome = text.isEmpty() ? compile(path, budget)
                : CompiledScript.compile(text, TEXT_NAME, budget);
        if (outcome instanceof CompiledScript.Failed f) {
            CompiledScript old = current;
            LOG.error("{}: {}; keeping {}", PID, f.message(),
                    old == null ? "no script (every request passes to the next strategy)" : "the previous version");
            return false;
        }
        current = ((CompiledScript.Compiled) outcome).script();
        LOG.info("{}: {} loaded ({})", PID, text.isEmpty() ? path : TEXT_NAME, budget);
        onNewVersion.run();
        return true;
    }

    /** Reads and compiles a script file. */
    static CompiledScript.Outcome compile(Path file, Budget budget) {
        String name = file.toString();
        try {
            long size = Files.size(file);
            if (size > MAX_SCRIPT_BYTES) {
                return new CompiledScript.Failed(name + ": larger than " + MAX_SCRIPT_BYTES + " bytes");
            }
            return CompiledScript.compile(Files.readString(file, StandardCharsets.UTF_8), name, budget);
        } catch (IOException e) {
            return new CompiledScript.Failed(name + ": cannot read the script: " + e);
        }
    }

    /** A router for the version in force; one that passes everything while no version has loaded. */
    Router build(Backends backends) {
        CompiledScript s = current;
        return s == null ? LuaRouter.NONE : new LuaRouter(s, backends, errors);
    }

    CompiledScript current() {
        return current;
    }

    RuleErrors errors() {
        return errors;
    }

    /** A relative path is resolved against {@code rsp.home}, else the working directory. */
    static Path resolve(String script) {
        Path p = Paths.get(script.strip());
        if (p.isAbsolute()) {
            return p.normalize();
        }
        String home = System.getProperty("rsp.home");
        Path base = home != null ? Paths.get(home) : Paths.get("").toAbsolutePath();
        return base.resolve(p).normalize();
    }

    private void stopWatch() {
        if (watch != null) {
            watch.close();
            watch = null;
        }
    }

    @Override
    public synchronized void close() {
        stopWatch();
    }
}
