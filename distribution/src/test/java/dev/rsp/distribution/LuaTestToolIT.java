package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Black-box tests of {@code bin/rsp lua-test} in the assembled distribution: a real process, the shipped rules. */
class LuaTestToolIT {

    @TempDir
    Path tmp;

    record Result(int exit, String output) {
    }

    private Result luaTest(RspHome home, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.dir.resolve("bin/rsp").toString(), "lua-test"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).directory(home.dir.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("bin/rsp lua-test did not finish");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void theShippedRulesDecide() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        Result r = luaTest(home, "etc/rules.lua", "--host", "Img.Static.Example.com", "--path", "/logo.png");
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("backends: demo-1, demo-2, demo-3"), r.output);
        assertTrue(r.output.contains("decision: route demo-3, demo-1 (candidates, most preferred first)"), r.output);
        assertTrue(!r.output.contains("SLF4J"), r.output);

        r = luaTest(home, "etc/rules.lua", "--host", "alice.example.com", "--path", "/", "--header", "X-Canary=1");
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("decision: route demo-2\n"), r.output);

        r = luaTest(home, "etc/rules.lua", "--host", "alice.example.com", "--path", "/");
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("decision: pass (not mine"), r.output);
    }

    @Test
    void aBrokenScriptIsExitStatusOneWithFileAndLine() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        Path broken = Files.writeString(tmp.resolve("broken.lua"), "function route(req)\n  return = 1\nend\n");
        Result r = luaTest(home, broken.toString(), "--host", "a.example", "--path", "/");
        assertEquals(1, r.exit, r.output);
        assertTrue(r.output.contains("error:    " + broken + ":2: "), r.output);

        Path failing = Files.writeString(tmp.resolve("failing.lua"), "function route(req)\n  return req.nothing.x\nend\n");
        r = luaTest(home, failing.toString(), "--host", "a.example", "--path", "/");
        assertEquals(1, r.exit, r.output);
        assertTrue(r.output.contains("error:    " + failing + ":2: "), r.output);
    }

    @Test
    void usageErrorsAreExitStatusTwo() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        Result r = luaTest(home, "etc/rules.lua", "--host", "a.example");
        assertEquals(2, r.exit, r.output);
        assertTrue(r.output.contains("usage: rsp lua-test <script> --host H --path P"), r.output);
        assertEquals(2, luaTest(home, "etc/rules.lua", "--host", "a", "--path", "/", "--bogus").exit);
    }
}
