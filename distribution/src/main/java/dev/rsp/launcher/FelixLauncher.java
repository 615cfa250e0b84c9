package dev.rsp.launcher;

import java.io.File;
import java.io.FilenameFilter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;

/**
 * Starts Felix for an rsp home and waits until it stops.
 *
 * <p>Start levels: {@code bundle/boot} at 1 (empty as shipped: what must run before everything else, e.g. SPI Fly
 * and ASM for a bundle that needs a ServiceLoader mediator, see {@link ExtenderClaim}), {@code bundle/logging} (SLF4J,
 * logback and the fragment wiring them, see {@link LoggingStart}) at 2, {@code bundle} (SCR, ConfigAdmin, FileInstall,
 * Gogo, the core) at 3, and what FileInstall installs from {@code deploy/} at 4.
 *
 * <p>FileInstall itself is started last, once the framework is ACTIVE: its watchers skip their scan while the
 * framework is still starting and then wait a whole poll interval, which would delay {@code deploy/} and
 * {@code etc/} by about a second.
 */
final class FelixLauncher {

    static final long STOP_TIMEOUT_MS = 4500;
    static final int DEPLOY_START_LEVEL = 4;
    static final String FILEINSTALL = "org.apache.felix.fileinstall";

    private final LaunchOptions options;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile Framework framework;
    private volatile Lifecycle lifecycle;
    /** 1 once the start failed or the stop had to cut connections; what {@link #run} returns after a stop. */
    private volatile int exitStatus;
    /** When the stop watchdog gives up ({@link System#nanoTime()}); moved by each step of the stop. */
    private volatile long stopDeadline;

    FelixLauncher(LaunchOptions options) {
        this.options = options;
    }

    int run() throws Exception {
        long t0 = System.nanoTime();
        File home = options.home;
        File etc = new File(home, "etc");
        System.setProperty("rsp.home", home.getPath());
        for (Map.Entry<String, String> e : HomeProperties.read(new File(etc, "system.properties"), home).entrySet()) {
            if (System.getProperty(e.getKey()) == null) {
                System.setProperty(e.getKey(), e.getValue());
            }
        }
        if (!options.shell && System.getProperty("gosh.args") == null) {
            System.setProperty("gosh.args", "--nointeractive");
        }

        long pid = RunFiles.ownPid();
        File from = options.takeOverFrom;
        long old = from != null ? RunFiles.runningPid(from) : -1;
        if (from != null) {
            System.out.println(old > 0 ? "rsp: starting beside the rsp with pid " + old + ", which stops once this one is ready"
                    : "rsp: no rsp runs in " + from + " (data/rsp.pid): starting as usual");
        }
        if (old > 0) {
            // dev.rsp.core.LauncherLink.TAKEOVER_PROPERTY: the listeners may join the old one's ports, the admin waits
            System.setProperty("rsp.takeover.pid", String.valueOf(old));
        }
        RunFiles.removeStale(home, old > 0 && from.equals(home));
        Map<String, String> config = new HashMap<String, String>();
        config.put(Constants.FRAMEWORK_STORAGE, RunFiles.cacheDir(home, pid).getPath());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, String.valueOf(DEPLOY_START_LEVEL));
        config.put("felix.startlevel.bundle", String.valueOf(DEPLOY_START_LEVEL));
        config.putAll(HomeProperties.read(new File(etc, "framework.properties"), home));

        Framework fw = frameworkFactory().newFramework(config);
        framework = fw;
        StartTrace.step(t0, "framework created");
        fw.init();
        BundleContext context = fw.getBundleContext();
        StartTrace.attach(context, t0);
        StartTrace.step(t0, "framework initialised");
        lifecycle = new Lifecycle(context, line -> {
            System.err.println("rsp: cannot start: " + line);
            exitStatus = 1;
            requestStop("start failed");
        });
        ExtenderClaim.register(context);
        int installed = install(context, new File(home, "bundle/boot"), 1)
                + install(context, new File(home, "bundle/logging"), 2);
        // logback reads etc/logback.xml from now on, beside the installs and the framework's start
        LoggingStart logging = LoggingStart.attach(context, t0);
        installed += install(context, new File(home, "bundle"), 3);

        StopSignals.install(new Runnable() {
            @Override
            public void run() {
                requestStop("signal");
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(new Runnable() {
            @Override
            public void run() {
                stopAndWait();
            }
        }, "rsp-shutdown-hook"));

        fw.start();
        if (logging != null) {
            logging.await();
        }
        for (Bundle b : context.getBundles()) {
            if (FILEINSTALL.equals(b.getSymbolicName())) {
                try {
                    b.start();
                } catch (BundleException | IllegalStateException e) {
                    if (!stopping.get()) {
                        throw e;
                    }
                }
            }
        }
        lifecycle.watcherStarted();
        StartTrace.step(t0, "configuration watcher started");
        System.out.println("rsp: framework started with " + installed + " bundles in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms; home " + home);
        new Takeover(home, lifecycle, old, from, this).start();

        FrameworkEvent event = fw.waitForStop(0);
        RunFiles.removeOwn(home, pid);
        if (event.getType() == FrameworkEvent.ERROR) {
            System.err.println("rsp: framework stopped with an error: " + event.getThrowable());
            return 1;
        }
        System.out.println("rsp: stopped");
        return exitStatus;
    }

    /**
     * Stops on another thread: first the components' drains (see {@link Lifecycle}: no new connections, exchanges in
     * flight finish within {@code timeout.stop.ms}), then the framework. A watchdog exits with status 1 when a drain
     * overruns its own timeout by {@link #STOP_TIMEOUT_MS}, or the framework does not stop within that.
     * Called from a signal handler, so it must return at once.
     */
    void requestStop(String why) {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        System.out.println("rsp: stopping (" + why + ")");
        final Lifecycle lc = lifecycle;
        final long drainMs = lc.drainTimeoutMs();
        stopDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(drainMs + STOP_TIMEOUT_MS);
        Thread stopper = new Thread(() -> {
            int cut = lc.drain();
            if (cut > 0) {
                System.err.println("rsp: " + cut + (cut == 1 ? " connection was" : " connections were")
                        + " still busy after timeout.stop.ms (" + drainMs + " ms) and had to be cut");
                exitStatus = 1;
            }
            stopDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_TIMEOUT_MS);
            if (exitStatus != 0 && "start failed".equals(why)) {
                quietConfiguration();
            }
            try {
                framework.stop();
            } catch (BundleException e) {
                System.err.println("rsp: stop failed: " + e);
            }
        }, "rsp-stop");
        stopper.start();
        Thread watchdog = new Thread(() -> {
            for (long left = stopDeadline - System.nanoTime(); left > 0; left = stopDeadline - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
            System.err.println("rsp: did not stop in time; exiting anyway");
            Runtime.getRuntime().halt(1);
        }, "rsp-stop-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }


    boolean stopping() {
        return stopping.get();
    }

    /** Stops with exit status 1 (a replacing rsp that did not get ready). */
    void fail(String why) {
        exitStatus = 1;
        requestStop(why);
    }

    /**
     * A start that failed stops while configuration events are still being delivered; a component activated by one
     * of them while its bundle stops makes SCR throw and ConfigAdmin print the trace. Stopping the configuration
     * watcher and ConfigAdmin first ends that flow, so the failed start says its one line and nothing else.
     */
    private void quietConfiguration() {
        for (String name : new String[] {FILEINSTALL, "org.apache.felix.configadmin"}) {
            for (Bundle b : framework.getBundleContext().getBundles()) {
                if (name.equals(b.getSymbolicName())) {
                    try {
                        b.stop();
                    } catch (BundleException | IllegalStateException ignored) {
                        // the framework stops next anyway
                    }
                }
            }
        }
    }

    private void stopAndWait() {
        Framework fw = framework;
        if (fw == null || (fw.getState() & (Bundle.STARTING | Bundle.ACTIVE)) == 0) {
            return;
        }
        try {
            fw.stop();
            fw.waitForStop(STOP_TIMEOUT_MS);
        } catch (BundleException e) {
            System.err.println("rsp: stop failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Installs every jar in {@code dir} (not its subdirectories) at {@code level}, in name order, and marks it started. */
    private static int install(BundleContext context, File dir, int level) throws BundleException {
        File[] jars = dir.listFiles(new FilenameFilter() {
            @Override
            public boolean accept(File d, String name) {
                return name.endsWith(".jar");
            }
        });
        if (jars == null) {
            return 0;
        }
        Arrays.sort(jars);
        Bundle[] bundles = new Bundle[jars.length];
        for (int i = 0; i < jars.length; i++) {
            bundles[i] = context.installBundle("reference:" + jars[i].toURI());
            bundles[i].adapt(BundleStartLevel.class).setStartLevel(level);
        }
        for (Bundle b : bundles) {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null && !FILEINSTALL.equals(b.getSymbolicName())) {
                b.start();
            }
        }
        return jars.length;
    }

    private static FrameworkFactory frameworkFactory() {
        Iterator<FrameworkFactory> it = ServiceLoader.load(FrameworkFactory.class).iterator();
        if (!it.hasNext()) {
            throw new IllegalStateException("no OSGi framework on the class path (bin/felix.jar missing?)");
        }
        return it.next();
    }
}
