package dev.rsp.distribution;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.rsp.spi.routing.RoutingStrategy;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * The deployed host-hash bundle in a real Felix with the shipped configuration (routing.chain = reload-path,
 * host-hash) and the demo backends: it registers as {@code host-hash}, every spelling of a host reaches the same
 * demo backend, and different hosts spread over the backends.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HostHashInFelixIT {

    static final Path WORK = Paths.get("target", "host-hash-in-felix-it").toAbsolutePath();
    static final Path LOG = WORK.resolve("rsp.log");
    private static final Pattern DEMO = Pattern.compile("\r\n\r\n(demo-\\d)\n");
    private static RspHome home;

    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() throws IOException {
        synchronized (HostHashInFelixIT.class) {
            if (home == null) {
                home = FelixOptions.prepare(WORK, LOG);
            }
        }
        return FelixOptions.options(home, LOG);
    }

    @Test
    public void theBundleRegistersTheHostHashStrategy() throws Exception {
        Collection<ServiceReference<RoutingStrategy>> refs = context.getServiceReferences(RoutingStrategy.class,
                "(" + RoutingStrategy.NAME_PROPERTY + "=host-hash)");
        assertEquals(1, refs.size());
        assertEquals("dev.rsp.routing.hosthash", refs.iterator().next().getBundle().getSymbolicName());
    }

    @Test
    public void everySpellingOfAHostReachesOneBackendAndHostsSpread() throws Exception {
        int port = Integer.getInteger("rsp.it.httpPort");
        String first = CoreInFelixIT.await("a request routed by host-hash", () -> {
            String r = RawHttp.get(port, "fred.example.com", "/");
            return r.startsWith("HTTP/1.1 200 ") ? r : null;
        });
        String fred = demo(first);
        for (String spelling : List.of("Fred.Example.com", "fred.example.com.", "fred.example.com:" + port,
                "FRED.EXAMPLE.COM.:" + port)) {
            assertEquals(spelling, fred, demo(RawHttp.get(port, spelling, "/")));
        }
        Set<String> used = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            String host = "site" + i + ".example.com";
            String backend = demo(RawHttp.get(port, host, "/"));
            assertEquals(host, backend, demo(RawHttp.get(port, host.toUpperCase(), "/")));
            used.add(backend);
        }
        assertEquals("30 hosts over 3 demo backends: " + used, 3, used.size());
    }

    private static String demo(String response) {
        Matcher m = DEMO.matcher(response);
        assertTrue(response, response.startsWith("HTTP/1.1 200 ") && m.find());
        return m.group(1);
    }
}
