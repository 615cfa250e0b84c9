package dev.rsp.launcher;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.SynchronousBundleListener;

/**
 * Brings SLF4J and logback up on a thread of their own ({@value #THREAD}) as soon as the logging bundles are
 * installed (loading {@code LoggerFactory} resolves them), so that logback's configuration (Joran parsing {@code
 * etc/logback.xml}: 100-250 ms of a cold JVM) runs while the launcher installs the other bundles and the framework
 * starts the platform ones, instead of inside the first rsp bundle that asks for a logger. slf4j-api, logback and
 * the fragment have no activator: nothing of theirs runs before they are started but what this thread calls.
 *
 * <p>SLF4J finds logback without SPI Fly: the fragment {@code bundle/logging/rsp-slf4j-logback.jar} gives slf4j-api
 * an import of logback's provider package, and {@value #PROVIDER_PROPERTY} (set here unless the JVM already has it)
 * names the provider, so {@code LoggerFactory} loads it directly instead of through {@code ServiceLoader}, which in
 * OSGi needs SPI Fly to have woven it first. {@value #VERBOSITY_PROPERTY} = WARN keeps SLF4J's one informational
 * line about that property off the console; its warnings and errors still print.
 *
 * <p>The gate: while SLF4J initialises, a logger asked for on another thread is a substitute, and a line logged
 * through one is replayed later under a notice on stderr. So the start of any bundle that imports {@code org.slf4j}
 * and runs code when started (an activator or Declarative Services components) waits here until the initialisation
 * is over; bundles without either (Netty, dnsjava) only log from code other bundles call. The launcher also waits
 * before starting FileInstall. A broken {@code etc/logback.xml} is reported exactly as before (logback's status
 * lines and Joran's exception, printed by the initialisation), only from this thread.
 */
final class LoggingStart implements SynchronousBundleListener {

    static final String THREAD = "rsp-logging-start";
    static final String SLF4J_BUNDLE = "slf4j.api";
    static final String LOGBACK_BUNDLE = "ch.qos.logback.classic";
    static final String PROVIDER_PROPERTY = "slf4j.provider";
    static final String LOGBACK_PROVIDER = "ch.qos.logback.classic.spi.LogbackServiceProvider";
    static final String VERBOSITY_PROPERTY = "slf4j.internal.verbosity";
    /** How long a start waits for the initialisation; past that the start goes on (substitute loggers then). */
    static final long WAIT_MS = 60_000;

    private volatile Thread thread;

    private LoggingStart() {
    }

    /**
     * Listens to {@code system} (the framework's context after init, before its start) when logback is among the
     * installed bundles, and starts the initialisation; sets the two SLF4J properties unless the JVM has them.
     * {@code t0} is the launcher's start ({@link StartTrace}). Returns null without logback (another
     * provider was put into bundle/logging: SLF4J then finds it as it always did).
     */
    static LoggingStart attach(BundleContext system, long t0) {
        boolean logback = false;
        for (Bundle b : system.getBundles()) {
            logback |= LOGBACK_BUNDLE.equals(b.getSymbolicName());
        }
        if (!logback) {
            return null;
        }
        if (System.getProperty(PROVIDER_PROPERTY) == null) {
            System.setProperty(PROVIDER_PROPERTY, LOGBACK_PROVIDER);
        }
        if (System.getProperty(VERBOSITY_PROPERTY) == null) {
            System.setProperty(VERBOSITY_PROPERTY, "WARN");
        }
        LoggingStart start = new LoggingStart();
        system.addBundleListener(start);
        for (Bundle b : system.getBundles()) {
            if (SLF4J_BUNDLE.equals(b.getSymbolicName())) {
                Thread t = new Thread(() -> {
                    initialise(b);
                    StartTrace.step(t0, "logging initialised");
                }, THREAD);
                t.setDaemon(true);
                start.thread = t;
                t.start();
            }
        }
        return start;
    }

    /** Called by the framework on the thread that starts a bundle, before its activator runs. */
    @Override
    public void bundleChanged(BundleEvent event) {
        if (event.getType() == BundleEvent.STARTING && logsWhenStarted(event.getBundle())) {
            await();
        }
    }

    /** Waits (at most {@link #WAIT_MS}) until SLF4J is initialised; at once when it is or never began. */
    void await() {
        Thread t = thread;
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        try {
            t.join(WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SLF4J's first call: binds logback and lets it read its configuration. Whatever goes wrong is left to SLF4J and
     * logback to report, as at any first call; the next bundle to ask for a logger meets the same state.
     */
    private static void initialise(Bundle slf4j) {
        try {
            slf4j.loadClass("org.slf4j.LoggerFactory").getMethod("getILoggerFactory").invoke(null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // reported by SLF4J itself (Reporter) or met again by the first bundle asking for a logger
        }
    }

    /** A bundle that imports SLF4J and runs code of its own when started. */
    private static boolean logsWhenStarted(Bundle b) {
        Object imports = b.getHeaders().get(Constants.IMPORT_PACKAGE);
        boolean runsCode = b.getHeaders().get(Constants.BUNDLE_ACTIVATOR) != null
                || b.getHeaders().get("Service-Component") != null;
        return runsCode && imports != null && imports.toString().contains("org.slf4j");
    }
}
