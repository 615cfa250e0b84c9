package dev.rsp.routing.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rule test without traffic, as the Gogo command and bin/rsp lua-test run it. */
class RuleTrialTest {

    @TempDir
    Path dir;

    private String run(String source, RuleTrial.Request request, int expectedStatus) throws IOException {
        Path script = dir.resolve("rules.lua");
        Files.writeString(script, source);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int status = RuleTrial.run(script, request, List.of("demo-1", "demo-2", "demo-3"),
                new PrintStream(text, true, StandardCharsets.UTF_8));
        String out = text.toString(StandardCharsets.UTF_8);
        assertEquals(expectedStatus, status, out);
        return out;
    }

    @Test
    void printsTheDecision() throws IOException {
        String out = run(ScriptApiTest.EXAMPLE, new RuleTrial.Request("GET", "Img.Static.Example.com.:8080", "/a", "",
                Map.of(), null), 0);
        assertTrue(out.contains("request:  GET img.static.example.com /a"), out);
        assertTrue(out.contains("decision: route demo-3\n"), out);
        out = run(ScriptApiTest.EXAMPLE, new RuleTrial.Request("GET", "a.example", "/", "", Map.of("X-Canary", "1"), null), 0);
        assertTrue(out.contains("decision: route demo-2\n"), out);
        out = run(ScriptApiTest.EXAMPLE, new RuleTrial.Request("GET", "a.example", "/", "", Map.of(), null), 0);
        assertTrue(out.contains("decision: pass (not mine: the next strategy decides)"), out);
        out = run("function route(req) return rehost('x.example') end", new RuleTrial.Request("GET", "a", "/", "", Map.of(), null), 0);
        assertTrue(out.contains("decision: rehost x.example"), out);
    }

    @Test
    void printsErrorsWithFileAndLine() throws IOException {
        Path script = dir.resolve("rules.lua");
        String out = run("function route(req)\n  return = 1\nend", new RuleTrial.Request("GET", "a", "/", "", Map.of(), null), 1);
        assertTrue(out.contains("error:    " + script + ":2: "), out);
        out = run("function route(req)\n  error('nope')\nend", new RuleTrial.Request("GET", "a", "/", "", Map.of(), null), 1);
        assertTrue(out.contains("error:    " + script + ":2: nope"), out);
        assertTrue(out.contains("decision: pass (after the error"), out);
    }

    @Test
    void theGogoCommandPrintsTheSame() throws IOException {
        Path script = dir.resolve("rules.lua");
        Files.writeString(script, ScriptApiTest.EXAMPLE);
        String out = new LuaTestCommand().luatest(script.toString(), "alice.example.com", "/", "X-Canary=1");
        assertTrue(out.contains("decision: route demo-2"), out);
        assertTrue(new LuaTestCommand().luatest(script.toString(), "a", "/", "bad").startsWith("usage: rsp:luatest"));
    }

    @Test
    void theCommandLineChecksItsArguments() throws IOException {
        Path script = dir.resolve("rules.lua");
        Files.writeString(script, ScriptApiTest.EXAMPLE);
        assertEquals(2, LuaTestMain.run(new String[] {script.toString(), "--host", "a"}));
        assertEquals(2, LuaTestMain.run(new String[] {dir.resolve("none.lua").toString(), "--host", "a", "--path", "/"}));
        assertEquals(2, LuaTestMain.run(new String[] {script.toString(), "--host", "a", "--path", "/", "--header", "x"}));
        assertEquals(0, LuaTestMain.run(new String[] {script.toString(), "--host", "a", "--path", "/", "--backend", "demo-2"}));
    }
}
