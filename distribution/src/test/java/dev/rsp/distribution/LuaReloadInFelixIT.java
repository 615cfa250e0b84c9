package dev.rsp.distribution;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The deployed lua strategy in a real Felix, named in the chain ({@code reload-path, lua, host-hash}), while client
 * threads send requests through it: etc/rules.lua is edited (a new rule, a syntax error, a rule that loops forever
 * on every request, the shipped rule again) and not one request may fail; every request runs the script.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LuaReloadInFelixIT {

    static final Path WORK = Paths.get("target", "lua-reload-in-felix-it").toAbsolutePath();
    static final Path LOG = WORK.resolve("rsp.log");
    static final String STATIC_HOST = "img.static.example.com";
    private static RspHome home;

    @Configuration
    public Option[] config() throws IOException {
        synchronized (LuaReloadInFelixIT.class) {
            if (home == null) {
                home = FelixOptions.prepare(WORK, LOG).core("routing.chain", "reload-path, lua, host-hash");
            }
        }
        return FelixOptions.options(home, LOG);
    }

    @Test
    public void rulesEditedUnderLoadFailNoRequest() throws Exception {
        int port = Integer.getInteger("rsp.it.httpPort");
        Path rules = Paths.get(System.getProperty("rsp.it.etc")).resolve("rules.lua");
        String shipped = Files.readString(rules);
        Waits.logLine(LOG, "routing chain is now [reload-path, lua, host-hash]", 1);
        awaitBackend(port, STATIC_HOST, "demo-3");
        awaitBackend(port, "alice.example.com", null);

        try (LoadLoop load = new LoadLoop(port, 4, 1_000_000, 240)) {
            Waits.requests(load, 500);

            // a new rule
            write(rules, shipped.replace("return { \"demo-3\", \"demo-1\" }", "return \"demo-1\""));
            long edited = System.nanoTime();
            Waits.logLine(LOG, "rsp.routing.lua: " + rules + " loaded", 2);
            awaitBackend(port, STATIC_HOST, "demo-1");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - edited);
            System.out.println("lua: edited rules routing after " + ms + " ms");
            assertTrue("the new rule took " + ms + " ms", ms < 3000);
            Waits.requests(load, load.total() + 1000);

            // a syntax error: logged with file and line, the previous rule stays
            write(rules, "function route(req)\n  return = 1\nend\n");
            Waits.logLine(LOG, rules + ":2: ", 1);
            assertTrue(answer(port, STATIC_HOST).contains("\r\n\r\ndemo-1\n"));
            Waits.requests(load, load.total() + 1000);

            // a rule that never ends: every call runs out of budget and passes to host-hash
            write(rules, "function route(req)\n  while true do end\nend\n");
            Waits.logLine(LOG, "rsp.routing.lua: " + rules + " loaded", 3);
            Waits.logLine(LOG, "instruction budget of 100000 exceeded", 1);
            Waits.requests(load, load.total() + 2000);

            // the shipped rule again
            write(rules, shipped);
            Waits.logLine(LOG, "rsp.routing.lua: " + rules + " loaded", 4);
            awaitBackend(port, STATIC_HOST, "demo-3");
            Waits.requests(load, Math.max(10_000, load.total() + 1000));
            load.close();
            System.out.printf("lua reloads in Felix under load: %d requests, %d non-2xx, %d connection errors%n",
                    load.total(), load.non2xx(), load.connectionErrors());
            assertEquals("non-2xx answers: " + load.failures(), 0, load.non2xx());
            assertEquals("connection errors: " + load.failures(), 0, load.connectionErrors());
        }
    }

    /** Replaces the file in one step, as an editor that saves by rename does. */
    private static void write(Path file, String text) throws IOException {
        RspHome.writeAtomically(file, text);
    }

    private static String answer(int port, String host) {
        try {
            return RawHttp.get(port, host, "/");
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Waits until {@code host} is answered 200 (by {@code backend} when not null). */
    private static void awaitBackend(int port, String host, String backend) {
        Waits.until(host + " routed to " + backend, () -> {
            String a = answer(port, host);
            return a.startsWith("HTTP/1.1 200 ") && (backend == null || a.contains("\r\n\r\n" + backend + "\n"));
        });
    }

}
