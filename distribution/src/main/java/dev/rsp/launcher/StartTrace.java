package dev.rsp.launcher;

import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/**
 * The start's breakdown for {@code bench/start.sh}: with {@code -Drsp.start.trace=true} the launcher prints one line
 * per step of the start ({@code rsp: start +<ms> <what>}, milliseconds since the launcher's main began): each bundle
 * resolved and started, each service registered, the framework's start level changes. Off by default: it is a
 * measuring tool, not a log.
 */
final class StartTrace implements SynchronousBundleListener, FrameworkListener, ServiceListener {

    static final String PROPERTY = "rsp.start.trace";

    private final long t0;

    private StartTrace(long t0) {
        this.t0 = t0;
    }

    static boolean enabled() {
        return Boolean.getBoolean(PROPERTY);
    }

    /** Prints a step of the start when tracing is on; {@code t0} is the launcher's {@link System#nanoTime()} at main. */
    static void step(long t0, String what) {
        if (enabled()) {
            System.out.println("rsp: start +" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " " + what);
        }
    }

    /** Listens to {@code system} (the framework's context after init) when tracing is on. */
    static void attach(BundleContext system, long t0) {
        if (enabled()) {
            StartTrace trace = new StartTrace(t0);
            system.addBundleListener(trace);
            system.addFrameworkListener(trace);
            system.addServiceListener(trace);
        }
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        String what;
        switch (event.getType()) {
            case BundleEvent.RESOLVED: what = "resolved"; break;
            case BundleEvent.STARTING: what = "starting"; break;
            case BundleEvent.STARTED: what = "started"; break;
            case BundleEvent.INSTALLED: what = "installed"; break;
            default: return;
        }
        step(t0, "bundle " + event.getBundle().getSymbolicName() + " " + what);
    }

    @Override
    public void frameworkEvent(FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.STARTLEVEL_CHANGED) {
            step(t0, "start level " + event.getBundle().adapt(FrameworkStartLevel.class).getStartLevel() + " reached");
        } else if (event.getType() == FrameworkEvent.STARTED) {
            step(t0, "framework started");
        }
    }

    @Override
    public void serviceChanged(ServiceEvent event) {
        if (event.getType() == ServiceEvent.REGISTERED) {
            Object classes = event.getServiceReference().getProperty("objectClass");
            step(t0, "service " + String.join(",", (String[]) classes) + " from "
                    + event.getServiceReference().getBundle().getSymbolicName());
        }
    }
}
