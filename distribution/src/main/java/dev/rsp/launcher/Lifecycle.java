package dev.rsp.launcher;

import java.util.Hashtable;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The launcher's side of the two services through which it and rsp's components talk; the contract is written once,
 * on the components' side, in {@code dev.rsp.core.LauncherLink}. In short:
 *
 * <ul>
 * <li>the launcher registers a {@code Consumer<String>} with {@code rsp.lifecycle=start.failure}; a component that
 * cannot start hands it one line saying what failed. During the start phase that line is fatal: {@code rsp: cannot
 * start: <line>} and exit status 1. The start phase lasts from the framework's init until {@link #START_PHASE_MS}
 * after the configuration watcher (FileInstall) started; later lines are ignored, the component has logged them.</li>
 * <li>components register {@code Callable<Integer>} services with {@code rsp.lifecycle=drain} and
 * {@code rsp.stop.timeout.ms}; {@link #drain} calls them before any bundle stops and adds up what they cut.</li>
 * </ul>
 *
 * Both use {@code java.*} types only, so no rsp bundle imports a launcher package and the launcher loads no class of
 * a bundle.
 */
final class Lifecycle {

    static final String PROPERTY = "rsp.lifecycle";
    static final String STOP_TIMEOUT_PROPERTY = "rsp.stop.timeout.ms";
    /** How long after FileInstall started a failing component still fails the start. */
    static final long START_PHASE_MS = Long.getLong("rsp.start.phase.ms", 10_000L);

    private final BundleContext system;
    private volatile long startPhaseEnds;
    private volatile boolean startPhaseOpen = true;

    /**
     * Registers the start-failure service on {@code system} (the framework's context, after init); {@code fatal} is
     * called with the line of a failure reported during the start phase, on the reporting component's thread.
     */
    Lifecycle(BundleContext system, final Consumer<String> fatal) {
        this.system = system;
        Consumer<String> failures = line -> {
            if (inStartPhase()) {
                fatal.accept(line);
            }
        };
        Hashtable<String, Object> props = new Hashtable<String, Object>();
        props.put(PROPERTY, "start.failure");
        system.registerService(Consumer.class.getName(), failures, props);
    }

    /** The configuration watcher has started: the start phase ends {@link #START_PHASE_MS} from now. */
    void watcherStarted() {
        startPhaseEnds = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_PHASE_MS);
        startPhaseOpen = false;
    }

    boolean inStartPhase() {
        return startPhaseOpen || System.nanoTime() - startPhaseEnds < 0;
    }

    /** The longest {@code rsp.stop.timeout.ms} of the drain services now registered (0 when there are none). */
    long drainTimeoutMs() {
        long longest = 0;
        for (ServiceReference<?> ref : drainServices()) {
            Object t = ref.getProperty(STOP_TIMEOUT_PROPERTY);
            if (t instanceof Number) {
                longest = Math.max(longest, ((Number) t).longValue());
            }
        }
        return longest;
    }

    /**
     * Calls every drain service, one after the other, and returns the sum of what they cut. A drain that fails is
     * reported on stderr and counted as nothing cut; the framework's stop closes what it left.
     */
    int drain() {
        int cut = 0;
        for (ServiceReference<?> ref : drainServices()) {
            Object service = system.getService(ref);
            if (!(service instanceof Callable)) {
                continue;
            }
            try {
                Object n = ((Callable<?>) service).call();
                if (n instanceof Number) {
                    cut += ((Number) n).intValue();
                }
            } catch (Exception e) {
                System.err.println("rsp: drain failed: " + e);
            } finally {
                system.ungetService(ref);
            }
        }
        return cut;
    }

    /**
     * "" when every component that reports readiness ({@code Supplier<String>} services with {@code rsp.lifecycle=ready})
     * is ready, else the first reason; a reason too when none is registered (the core has not started).
     */
    String notReady() {
        ServiceReference<?>[] refs = services(Supplier.class, "ready");
        if (refs.length == 0) {
            return "the core has not started";
        }
        for (ServiceReference<?> ref : refs) {
            Object service = system.getService(ref);
            try {
                Object why = service instanceof Supplier ? ((Supplier<?>) service).get() : "";
                if (why != null && !why.toString().isEmpty()) {
                    return why.toString();
                }
            } catch (RuntimeException e) {
                return "readiness failed: " + e;
            } finally {
                system.ungetService(ref);
            }
        }
        return "";
    }

    private ServiceReference<?>[] drainServices() {
        return services(Callable.class, "drain");
    }

    private ServiceReference<?>[] services(Class<?> type, String role) {
        try {
            ServiceReference<?>[] refs = system.getServiceReferences(type.getName(), "(" + PROPERTY + "=" + role + ")");
            return refs == null ? new ServiceReference<?>[0] : refs;
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        } catch (IllegalStateException stopped) {
            return new ServiceReference<?>[0];
        }
    }
}
