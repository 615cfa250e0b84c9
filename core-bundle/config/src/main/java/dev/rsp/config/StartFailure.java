package dev.rsp.config;

import java.util.Collection;
import java.util.function.Consumer;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * How a component tells the launcher that rsp cannot start. The launcher ({@code dev.rsp.launcher.Lifecycle})
 * registers a {@code java.util.function.Consumer<String>} service with {@value #PROPERTY}={@value #VALUE}; a component
 * that cannot do its job when it activates (an unusable configuration with no last good one to keep, a listener
 * address in use) logs its ERROR line and hands the same line to that service. While rsp starts, the launcher then
 * stops the framework and exits 1; later it ignores the line (a runtime change keeps what runs). Under a framework
 * without that service (Pax Exam, another launcher) nothing happens beyond the log line. The whole contract, with
 * the drain service, is written in {@code dev.rsp.core.LauncherLink}.
 */
public final class StartFailure {

    public static final String PROPERTY = "rsp.lifecycle";
    public static final String VALUE = "start.failure";

    private StartFailure() {
    }

    /** Reports {@code line}; returns whether a launcher took it. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static boolean report(BundleContext context, String line) {
        try {
            Collection<ServiceReference<Consumer>> refs = context.getServiceReferences(Consumer.class,
                    "(" + PROPERTY + "=" + VALUE + ")");
            for (ServiceReference<Consumer> ref : refs) {
                Consumer<String> launcher = context.getService(ref);
                if (launcher != null) {
                    try {
                        launcher.accept(line);
                        return true;
                    } finally {
                        context.ungetService(ref);
                    }
                }
            }
        } catch (InvalidSyntaxException | RuntimeException e) {
            // no launcher, or the bundle is stopping: the log line is all there is
        }
        return false;
    }
}
