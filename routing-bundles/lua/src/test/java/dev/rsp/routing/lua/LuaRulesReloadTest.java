package dev.rsp.routing.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.Router;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hot reload: an edited script is swapped in by the watch; a broken one is logged with file and line and kept out. */
class LuaRulesReloadTest {

    @TempDir
    Path dir;

    private final AtomicInteger versions = new AtomicInteger();
    private final LuaRules rules = new LuaRules(versions::incrementAndGet);
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private PrintStream stderr;

    @BeforeEach
    void captureLog() {
        stderr = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        rules.close();
        System.setErr(stderr);
    }

    private Path script() {
        return dir.resolve("rules.lua");
    }

    private void write(String source) throws IOException {
        Path tmp = dir.resolve(".rules.lua.tmp");
        Files.writeString(tmp, source);
        Files.move(tmp, script(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String routeTo(String backend) {
        return "function route(req)\n  return '" + backend + "'\nend\n";
    }

    private boolean configure() {
        return rules.configure(script().toString(), new Budget(100_000, 1 << 20, 200), 500);
    }

    private Decision decide() {
        return rules.build(Scripts.DEMO).select(TestHead.get("a.example", "/"));
    }

    @Test
    void anEditedScriptIsSwappedInWithinTwoSeconds() throws Exception {
        write(routeTo("demo-1"));
        assertTrue(configure());
        assertEquals(1, versions.get());
        Router before = rules.build(Scripts.DEMO);
        assertEquals(Decision.to("demo-1"), decide());

        write(routeTo("demo-2"));
        long start = System.nanoTime();
        await("the new version", () -> versions.get() == 2);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis < 2000, "swapped after " + millis + " ms");
        assertEquals(Decision.to("demo-2"), decide());
        assertEquals(Decision.to("demo-1"), Scripts.decide(before, TestHead.get("a.example", "/")), "a built router keeps its version");
        assertTrue(logText().contains("rsp.routing.lua: " + script() + " loaded"), logText());
    }

    /** script.text (the rules from etcd) wins over the file; a broken text keeps the version in force; blank: the file again. */
    @Test
    void theRulesTextWinsOverTheFileUntilItIsBlank() throws Exception {
        write(routeTo("demo-1"));
        Budget budget = new Budget(100_000, 1 << 20, 200);
        assertTrue(rules.configure(script().toString(), routeTo("demo-3"), budget, 500));
        assertEquals(Decision.to("demo-3"), decide());
        assertTrue(logText().contains("rsp.routing.lua: script.text loaded"), logText());

        assertTrue(rules.configure(script().toString(), "function route(req)\n  return = 1\nend\n", budget, 500));
        assertTrue(logText().contains("rsp.routing.lua: script.text:2: "), logText());
        assertEquals(Decision.to("demo-3"), decide(), "a broken text keeps the version in force");

        write(routeTo("demo-2"));
        Thread.sleep(1000); // twice the watch interval: a negative, which no event can signal
        assertEquals(Decision.to("demo-3"), decide(), "the file is not used while the text is set");

        assertTrue(rules.configure(script().toString(), " ", budget, 500));
        assertEquals(Decision.to("demo-2"), decide(), "a blank text: the file again");
        write(routeTo("demo-1"));
        await("the file watched again", () -> decide().equals(Decision.to("demo-1")));
    }

    /** bin/rsp check compiles script.text when it is set (the file is then not read). */
    @Test
    void checkReadsTheRulesText() {
        java.util.List<String> errors = new java.util.ArrayList<>();
        new LuaCheck().check(LuaRules.PID, java.util.Map.of("script", "missing.lua", "script.text", routeTo("demo-1")),
                dir, errors, new java.util.ArrayList<>());
        assertEquals(java.util.List.of(), errors);
        new LuaCheck().check(LuaRules.PID, java.util.Map.of("script.text", "function route(req)\n  return = 1\nend\n"),
                dir, errors, new java.util.ArrayList<>());
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("rsp.routing.lua: script.text:2: "), errors.get(0));
    }

    @Test
    void aSyntaxErrorIsLoggedWithFileAndLineAndTheOldVersionStays() throws Exception {
        write(routeTo("demo-1"));
        assertTrue(configure());
        CompiledScript good = rules.current();

        write("function route(req)\n  return = 'demo-2'\nend\n");
        await("the error in the log", () -> logText().contains(script() + ":2: "));
        assertTrue(logText().contains("ERROR dev.rsp.routing.lua.LuaRules - rsp.routing.lua: " + script() + ":2: "
                + "unexpected symbol 61 (=); keeping the previous version"), logText());
        assertSame(good, rules.current());
        assertEquals(1, versions.get());
        assertEquals(Decision.to("demo-1"), decide());

        write("function route(req)\n  return nil .. 'x'\nend\nerror('at load')\n");
        await("the load error in the log", () -> logText().contains(script() + ":4: at load"));
        assertSame(good, rules.current());

        write(routeTo("demo-3"));
        await("the fixed version", () -> versions.get() == 2);
        assertNotSame(good, rules.current());
        assertEquals(Decision.to("demo-3"), decide());
    }

    @Test
    void aMissingScriptPassesUntilItAppears() throws Exception {
        assertTrue(configure());
        assertEquals(0, versions.get());
        assertEquals(Decision.pass(), decide());
        assertTrue(logText().contains("cannot read the script"), logText());
        assertTrue(logText().contains("keeping no script (every request passes to the next strategy)"), logText());

        write(routeTo("demo-2"));
        await("the script to appear", () -> versions.get() == 1);
        assertEquals(Decision.to("demo-2"), decide());
    }

    @Test
    void aBadConfigurationIsLoggedAndTheLastGoodStays() throws Exception {
        write(routeTo("demo-1"));
        assertTrue(configure());
        assertFalse(rules.configure(script().toString(), new Budget(10, 1 << 20, 200), 500));
        assertFalse(rules.configure(script().toString(), new Budget(100_000, 1 << 20, 200), 5));
        assertFalse(rules.configure(" ", new Budget(100_000, 1 << 20, 200), 500));
        assertTrue(logText().contains("rsp.routing.lua: configuration rejected: budget.instructions must be 100 to "
                + "100000000, not 10; keeping script = " + script()), logText());
        assertEquals(Decision.to("demo-1"), decide());

        assertTrue(rules.configure(script().toString(), new Budget(50_000, 1 << 20, 200), 500), "a new budget is a new version");
        assertEquals(2, versions.get());
        assertEquals(50_000, rules.current().budget().instructions());
    }

    @Test
    void relativePathsResolveAgainstRspHome() {
        String before = System.getProperty("rsp.home");
        try {
            System.setProperty("rsp.home", dir.toString());
            assertEquals(dir.resolve("etc/rules.lua"), LuaRules.resolve("etc/rules.lua"));
            assertEquals(Path.of("/x/r.lua"), LuaRules.resolve("/x/r.lua"));
        } finally {
            if (before == null) {
                System.clearProperty("rsp.home");
            } else {
                System.setProperty("rsp.home", before);
            }
        }
    }

    private String logText() {
        return log.toString(StandardCharsets.UTF_8);
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }
}
