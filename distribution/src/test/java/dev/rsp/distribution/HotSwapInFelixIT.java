package dev.rsp.distribution;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * The hot-swap test in a real Felix under Pax Exam: at least 10,000 requests while the chain is edited in
 * etc/rsp.core.cfg, a strategy bundle is installed and uninstalled, host-hash is updated to a new version and the
 * chain is switched from the Gogo shell. No request may fail.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotSwapInFelixIT {

    static final Path WORK = Paths.get("target", "hot-swap-in-felix-it").toAbsolutePath();
    static final Path LOG = WORK.resolve("rsp.log");
    private static RspHome home;

    @Inject
    BundleContext context;

    @Inject
    CommandProcessor gogo;

    @Configuration
    public Option[] config() throws IOException {
        synchronized (HotSwapInFelixIT.class) {
            if (home == null) {
                home = FelixOptions.prepare(WORK, LOG);
            }
        }
        return FelixOptions.options(home, LOG);
    }

    @Test
    public void routingChangesUnderLoadFailNoRequest() throws Exception {
        int port = Integer.getInteger("rsp.it.httpPort");
        Path etc = Paths.get(System.getProperty("rsp.it.etc"));
        Waits.until("the demo routed by host-hash", () -> {
            try {
                return RawHttp.get(port, "alice.example.com", "/").startsWith("HTTP/1.1 200 ");
            } catch (IOException e) {
                return false;
            }
        });
        String explained = gogo("rsp:route http://admin.example.com/api/v0/user/fred/webapps/Fred.Example.com/reload");
        assertTrue(explained, explained.contains("reload-path: route as if the host were fred.example.com"));
        assertTrue(explained, explained.contains("decided by host-hash"));
        String direct = gogo("rsp:route FRED.example.com.");
        String backend = explained.substring(explained.indexOf("backend    ")).split("\n")[0];
        assertTrue(direct + " vs " + explained, direct.contains(backend));
        assertTrue(gogo("rsp:backends"), gogo("rsp:backends").contains("demo-2"));
        String whatIf = gogo("rsp:whatif remove demo-1");
        assertTrue(whatIf, whatIf.contains("synthetic sample") && whatIf.contains("demo-1 -> "));
        try (LoadLoop load = new LoadLoop(port, 4, 1_000_000, 240)) {
            Waits.requests(load, 500);

            // (a) the chain edited in etc/rsp.core.cfg, and back
            Path core = etc.resolve("rsp.core.cfg");
            String original = Files.readString(core);
            RspHome.writeAtomically(core, original.replace("routing.chain = reload-path, host-hash", "routing.chain = host-hash"));
            Waits.logLine(LOG, "routing chain is now [host-hash]", 1);
            RspHome.writeAtomically(core, original);
            Waits.logLine(LOG, "routing chain is now [reload-path, host-hash]", 2);
            Waits.requests(load, load.total() + 1000);

            // (b) a strategy bundle installed, put in the chain, taken out, uninstalled
            Bundle example = context.installBundle(Paths.get(System.getProperty("rsp.example.jar")).toUri().toString());
            example.start();
            Waits.logLine(LOG, "routing strategy example-header added", 1);
            gogo("rsp:chain example-header reload-path host-hash");
            Waits.logLine(LOG, "routing chain is now [example-header, reload-path, host-hash]", 1);
            Waits.requests(load, load.total() + 1000);
            gogo("rsp:chain reload-path host-hash");
            Waits.logLine(LOG, "routing chain is now [reload-path, host-hash]", 3);
            example.uninstall();
            refresh(List.of(example));
            Waits.logLine(LOG, "routing strategy example-header removed", 1);
            Waits.requests(load, load.total() + 1000);

            // (c) host-hash updated to a new version of its jar
            Bundle hostHash = bundle("dev.rsp.routing.hosthash");
            Path newVersion = WORK.resolve("host-hash-99.jar");
            BundleJars.withVersion(Paths.get(System.getProperty("rsp.it.dist"), "deploy", "rsp-routing-host-hash.jar"), "99.0.0", newVersion);
            try (InputStream in = Files.newInputStream(newVersion)) {
                hostHash.update(in);
            }
            refresh(List.of(hostHash));
            assertEquals("99.0.0", hostHash.getVersion().toString());
            Waits.logLine(LOG, "routing strategy host-hash added", 2);
            Waits.requests(load, load.total() + 1000);

            // (d) the chain switched from the Gogo shell, and back
            gogo("rsp:chain host-hash");
            Waits.logLine(LOG, "routing chain is now [host-hash]", 2);
            gogo("rsp:chain reload-path host-hash");
            Waits.logLine(LOG, "routing chain is now [reload-path, host-hash]", 4);

            Waits.requests(load, 10_000);
            load.close();
            System.out.printf("hot swap in Felix under load: %d requests, %d non-2xx, %d connection errors%n",
                    load.total(), load.non2xx(), load.connectionErrors());
            assertEquals("non-2xx answers: " + load.failures(), 0, load.non2xx());
            assertEquals("connection errors: " + load.failures(), 0, load.connectionErrors());
            assertTrue(load.total() >= 10_000);
        }
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    private void refresh(List<Bundle> bundles) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(bundles, e -> {
            if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                done.complete(null);
            }
        });
        done.get(30, TimeUnit.SECONDS);
    }

    private String gogo(String command) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        CommandSession session = gogo.createSession(InputStream.nullInputStream(), ps, ps);
        try {
            Object result = session.execute(command);
            String text = (result == null ? "" : result) + out.toString(StandardCharsets.UTF_8);
            System.out.println("g! " + command + " -> " + text);
            return text;
        } finally {
            session.close();
        }
    }

}
