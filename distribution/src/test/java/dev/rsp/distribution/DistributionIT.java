package dev.rsp.distribution;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
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
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Boots exactly the distribution's bundle set (bundle/boot, bundle/logging, bundle, deploy) in Felix, at the start
 * levels the launcher uses, with FileInstall reading a copy of the distribution's etc/.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DistributionIT {

    static final long DEADLINE_MS = 20_000;
    static final long POLL_NANOS = 20_000_000;
    static final Path WORK = Paths.get("target", "distribution-it").toAbsolutePath();
    static final Path LOG = WORK.resolve("rsp.log");

    @Inject
    BundleContext context;

    @Inject
    ServiceComponentRuntime scr;

    /** Pax Exam calls {@link #config()} more than once; all calls must describe the same container. */
    private static RspHome home;

    @Configuration
    public Option[] config() throws IOException {
        synchronized (DistributionIT.class) {
            if (home == null) {
                home = FelixOptions.prepare(WORK, LOG);
            }
        }
        return FelixOptions.options(home, LOG);
    }

    @Test
    public void everyDistributionBundleIsActive() {
        Set<String> expected = FelixOptions.distributionJars(RspHome.assembled()).stream()
                .map(f -> f.toURI().toString()).collect(Collectors.toCollection(TreeSet::new));
        Set<String> seen = new TreeSet<>();
        List<String> notActive = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (expected.contains(b.getLocation())) {
                seen.add(b.getLocation());
                boolean fragment = b.getHeaders().get("Fragment-Host") != null;
                if (!fragment && b.getState() != Bundle.ACTIVE) {
                    notActive.add(b.getSymbolicName() + " state=" + b.getState());
                }
            }
        }
        assertEquals("every jar of the distribution is installed", expected, seen);
        assertTrue("bundles not ACTIVE: " + notActive, notActive.isEmpty());
        assertTrue("the distribution carries the core, the SPI, the demo and dnsjava",
                bundleNames().containsAll(List.of("dev.rsp.api", "dev.rsp.core", "dev.rsp.demo",
                        "dev.rsp.routing.hosthash", "dev.rsp.routing.reloadpath", "dev.rsp.tls", "org.xbill.dns")));
    }

    @Test
    public void everyComponentIsSatisfied() {
        awaitTrue("every DS component of rsp's bundles satisfied", () -> unsatisfied().isEmpty());
        List<String> names = scr.getComponentDescriptionDTOs().stream().map(d -> d.name).collect(Collectors.toList());
        assertTrue(names.toString(), names.containsAll(List.of("dev.rsp.core.CoreComponent", "dev.rsp.demo.DemoBackends",
                "dev.rsp.routing.reloadpath.ReloadPathStrategy")));
    }

    @Test
    public void slf4jLinesReachLogback() {
        awaitTrue("the core's start line in the logback file " + LOG, () -> logContains("rsp core started"));
        awaitTrue("the demo's line in the logback file " + LOG, () -> logContains(
                "dev.rsp.demo.DemoBackends - demo backend demo-1 listening on /127.0.0.1:" + System.getProperty("rsp.it.demoPort")));
    }

    @Test
    public void demoBackendAnswers() throws Exception {
        int port = Integer.getInteger("rsp.it.demoPort");
        awaitTrue("demo-1 answers on " + port, () -> {
            try {
                return RawHttp.get(port, "alice.example.com", "/").contains("demo-1\nhost: alice.example.com\npath: /\n");
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    /** Components that need an etc/ file the distribution does not ship (ACME has no default CA; no rate limits). */
    private static final Set<String> OFF_WITHOUT_FILE = Set.of("dev.rsp.tls.acme.AcmeComponent",
            "dev.rsp.core.RateLimitComponent", "dev.rsp.core.etcd.EtcdComponent", "dev.rsp.core.HeaderRulesComponent");

    private List<String> unsatisfied() {
        List<String> bad = new ArrayList<>();
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            if (!d.bundle.symbolicName.startsWith("dev.rsp.")) {
                continue;
            }
            Collection<ComponentConfigurationDTO> configs = scr.getComponentConfigurationDTOs(d);
            if (OFF_WITHOUT_FILE.contains(d.name) && scr.isComponentEnabled(d) && configs.isEmpty()) {
                continue; // a feature the distribution leaves off: its etc/*.cfg is shipped as an .example
            }
            if (!scr.isComponentEnabled(d) || configs.isEmpty()) {
                bad.add(d.name + " (no configuration)");
            }
            for (ComponentConfigurationDTO c : configs) {
                if (c.state != ComponentConfigurationDTO.ACTIVE && c.state != ComponentConfigurationDTO.SATISFIED) {
                    bad.add(d.name + " state=" + c.state);
                }
            }
        }
        return bad;
    }

    private Set<String> bundleNames() {
        return Arrays.stream(context.getBundles()).map(Bundle::getSymbolicName).collect(Collectors.toSet());
    }

    private static boolean logContains(String text) {
        try {
            return Files.exists(LOG) && Files.readString(LOG, StandardCharsets.UTF_8).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    private static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.currentTimeMillis() + DEADLINE_MS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                fail("timed out waiting for: " + what);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
