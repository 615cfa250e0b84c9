package dev.rsp.core;

import dev.rsp.config.StartFailure;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceRegistration;

/**
 * The components' side of the two services through which they and rsp's launcher ({@code bin/rsp}, class
 * {@code dev.rsp.launcher.Lifecycle}) talk. Both are typed with {@code java.*} interfaces only, so neither side
 * imports a package of the other, and both are optional: in a Felix without rsp's launcher (Pax Exam) a report goes
 * nowhere and no one calls the drain.
 *
 * <ul>
 * <li><b>Start failures</b>, component to launcher: the launcher registers a {@code Consumer<String>} with
 * {@code rsp.lifecycle=start.failure}. A component that cannot do its job when it is activated (a listener address in
 * use, a configuration it refuses) calls {@link #startFailed} with one line naming the key, the value and the reason,
 * e.g. {@code http.listen 0.0.0.0:8080: Address already in use}. While rsp is starting the launcher prints
 * {@code rsp: cannot start: <line>}, stops and exits 1; later it ignores the line. The component logs its own ERROR
 * either way, and a change of configuration at runtime is never reported (it keeps what runs).</li>
 * <li><b>Drain</b>, launcher to component: a component with work in flight registers a {@code Callable<Integer>} with
 * {@code rsp.lifecycle=drain} and {@code rsp.stop.timeout.ms} (how long it may take). On SIGTERM the launcher calls it
 * before it stops any bundle; the call stops accepting work, waits for the work in flight within that time and
 * returns how much it had to cut. The launcher exits 1 when anything was cut.</li>
 * <li><b>Readiness</b>, component to launcher: a component that serves traffic registers a {@code Supplier<String>}
 * with {@code rsp.lifecycle=ready}, answering "" when it is ready and else why not. The launcher asks it when it
 * replaces another rsp ({@code bin/rsp upgrade}): the old one is stopped only once every such service is ready.</li>
 * </ul>
 */
public final class LauncherLink {

    public static final String PROPERTY = "rsp.lifecycle";
    public static final String STOP_TIMEOUT_PROPERTY = "rsp.stop.timeout.ms";
    /**
     * The system property the launcher sets to the pid of the rsp this one replaces ({@code bin/rsp upgrade}): its
     * listeners may then join ports that one listens on (SO_REUSEPORT), and the admin listener waits for its address.
     */
    public static final String TAKEOVER_PROPERTY = "rsp.takeover.pid";

    private LauncherLink() {
    }

    /** Reports that a component could not start (see the class comment); returns whether a launcher took it. */
    public static boolean startFailed(BundleContext context, String line) {
        return StartFailure.report(context, line);
    }

    /**
     * Whether rsp's launcher runs this framework: it registers its start-failure service before any bundle starts, so
     * the answer holds from a component's activation on. Without it (Apache Karaf, Pax Exam) a start failure is only
     * logged and the framework keeps running, and the drain runs when the core's bundle stops (its deactivation).
     */
    public static boolean launcherPresent(BundleContext context) {
        try {
            return !context.getServiceReferences(Consumer.class,
                    "(" + StartFailure.PROPERTY + "=" + StartFailure.VALUE + ")").isEmpty();
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Offers {@code drain} to the launcher (see the class comment); unregister it when the component goes. */
    public static ServiceRegistration<Callable> offerDrain(BundleContext context, Callable<Integer> drain, long timeoutMs) {
        return context.registerService(Callable.class, drain, drainProperties(timeoutMs));
    }

    /** Offers the readiness of a component to the launcher (see the class comment); unregister it when it goes. */
    @SuppressWarnings("rawtypes")
    public static ServiceRegistration<Supplier> offerReadiness(BundleContext context, Supplier<String> notReady) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(PROPERTY, "ready");
        return context.registerService(Supplier.class, notReady, props);
    }

    /** The properties of a drain registration, to update when the stop timeout changes. */
    public static Dictionary<String, Object> drainProperties(long timeoutMs) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(PROPERTY, "drain");
        props.put(STOP_TIMEOUT_PROPERTY, timeoutMs);
        return props;
    }
}
