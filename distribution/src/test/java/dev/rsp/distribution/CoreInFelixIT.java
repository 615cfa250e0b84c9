package dev.rsp.distribution;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.RoutingStrategy;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

/**
 * The core in a real Felix with the distribution's bundles: a routing strategy registered as an OSGi service under
 * a name in routing.chain routes real HTTP requests to the demo backends; without any, requests get a 503 after the
 * grace period. The deployed reload-path strategy sends a reload URL where the domain it names is sent.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CoreInFelixIT {

    static final Path WORK = Paths.get("target", "core-in-felix-it").toAbsolutePath();
    static final Path LOG = WORK.resolve("rsp.log");
    private static RspHome home;

    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() throws IOException {
        synchronized (CoreInFelixIT.class) {
            if (home == null) {
                // A chain without host-hash: the deployed host-hash bundle must not answer for the test strategy.
                home = FelixOptions.prepare(WORK, LOG).core("timeout.grace.ms", "500")
                        .core("routing.chain", "reload-path, it-strategy");
            }
        }
        return FelixOptions.options(home, LOG);
    }

    @Test
    public void routesThroughAStrategyServiceFoundByName() throws Exception {
        int port = Integer.getInteger("rsp.it.httpPort");
        // The distribution deploys reload-path; without it no strategy in the chain is live.
        Bundle reloadPath = bundle("dev.rsp.routing.reloadpath");
        reloadPath.stop();
        try {
            routesThroughTheStandInAndWaitsWithoutIt(port);
        } finally {
            reloadPath.start();
        }
    }

    private void routesThroughTheStandInAndWaitsWithoutIt(int port) throws Exception {
        String before = await("the proxy answers", () -> RawHttp.get(port, "alice.example.com", "/a"));
        assertTrue(before, before.startsWith("HTTP/1.1 503 "));
        // the client sees the status only: which strategies are missing is for the log and the access log
        assertTrue(before, before.contains("rsp: Service Unavailable") && !before.contains("routing.chain"));

        ServiceRegistration<RoutingStrategy> reg = context.registerService(RoutingStrategy.class,
                backends -> request -> Decision.to("demo-2"), named("it-strategy"));
        try {
            String routed = await("a request routed by the test strategy", () -> {
                String r = RawHttp.get(port, "Alice.Example.com", "/b");
                return r.startsWith("HTTP/1.1 200 ") ? r : null;
            });
            assertTrue(routed, routed.contains("demo-2\nhost: Alice.Example.com\npath: /b\n"));
        } finally {
            reg.unregister();
        }
        String after = await("503 again once the strategy left", () -> {
            String r = RawHttp.get(port, "alice.example.com", "/c");
            return r.startsWith("HTTP/1.1 503 ") ? r : null;
        });
        assertTrue(after, after.contains("rsp: Service Unavailable") && !after.contains("it-strategy"));
    }

    @Test
    public void aReloadUrlGoesWhereTheDomainItNamesGoes() throws Exception {
        int port = Integer.getInteger("rsp.it.httpPort");
        // The stand-in decides after reload-path, like host-hash in the default chain.
        Dictionary<String, Object> props = named("it-strategy");
        ServiceRegistration<RoutingStrategy> reg = context.registerService(RoutingStrategy.class,
                backends -> request -> Decision.to("fred.example.com".equals(request.host()) ? "demo-3" : "demo-1"), props);
        try {
            String reload = await("a reload URL routed by the domain in its path", () -> {
                String r = RawHttp.get(port, "alice.example.com", "/api/v0/user/fred/webapps/Fred.Example.com/reload");
                return r.startsWith("HTTP/1.1 200 ") && r.contains("demo-3") ? r : null;
            });
            assertTrue(reload, reload.contains("demo-3\nhost: alice.example.com\npath: /api/v0/user/fred/webapps/"
                    + "Fred.Example.com/reload\n"));
            String site = RawHttp.get(port, "FRED.example.com.", "/index.html");
            assertTrue(site, site.contains("demo-3\nhost: FRED.example.com.\n"));
            String other = RawHttp.get(port, "alice.example.com", "/api/v0/user/fred/webapps/reload");
            assertTrue(other, other.contains("demo-1\nhost: alice.example.com\n"));
        } finally {
            reg.unregister();
        }
    }

    @Test
    public void aStrategyNotInTheChainIsNotAsked() throws Exception {
        int port = Integer.getInteger("rsp.it.httpPort");
        ServiceRegistration<RoutingStrategy> reg = context.registerService(RoutingStrategy.class,
                backends -> request -> Decision.to("demo-1"), named("not-in-chain"));
        try {
            String r = await("an answer", () -> RawHttp.get(port, "bob.example.com", "/"));
            assertTrue(r, r.startsWith("HTTP/1.1 503 "));
        } finally {
            reg.unregister();
        }
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("bundle " + symbolicName + " is not installed");
    }

    private static Dictionary<String, Object> named(String name) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(RoutingStrategy.NAME_PROPERTY, name);
        return props;
    }

    /** Calls {@code attempt} until it returns a value without failing, for up to 20 s. */
    static String await(String what, Callable<String> attempt) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Exception last = null;
        while (System.nanoTime() - deadline < 0) {
            try {
                String r = attempt.call();
                if (r != null) {
                    return r;
                }
            } catch (IOException e) {
                last = e;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        fail("timed out waiting for " + what + (last == null ? "" : ": " + last));
        return "";
    }
}
