package dev.rsp.routing.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.spi.routing.Decision;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pattern step budget and the pattern length limit: a pathological pattern ends the call as an exhausted
 * instruction budget does (a counted failure, one log message naming the function and the pattern, the request passes
 * to the next strategy), and the same Lua state routes the next request. The timeouts are a safety net for a broken
 * budget, not what is tested.
 */
class PatternBudgetTest {

    private static final Duration NET = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    static Stream<Arguments> pathological() {
        String as = "string.rep('a', 100000)";
        return Stream.of(
                Arguments.of("lazy dots", "string.find(" + as + ", '.-.-.-.-.-.-.-.-b')",
                        "string.find: pattern step budget of 500000 exceeded (pattern '.-.-.-.-.-.-.-.-b' on a subject of "
                                + "100000 bytes)"),
                Arguments.of("greedy stars", "string.match(" + as + ", 'a*a*a*a*a*a*a*b')", "string.match: pattern step budget"),
                Arguments.of("captures", "string.match(" + as + ", '(.-)(.-)(.-)(.-)$b')", "string.match: pattern step budget"),
                Arguments.of("gsub", "string.gsub(" + as + ", '.-.-.-b', 'x')", "string.gsub: pattern step budget"),
                Arguments.of("gmatch", "(function() for w in (" + as + "):gmatch('.-.-.-b') do end end)()",
                        "string.gmatch: pattern step budget"),
                Arguments.of("balanced", "string.find(string.rep('(', 50000), '%b()')", "string.find: pattern step budget"),
                Arguments.of("back-reference", "string.find(" + as + ", '(a*)%1b')", "string.find: pattern step budget"),
                Arguments.of("plain", "string.find(string.rep('a', 200000), string.rep('a', 1000) .. 'b', 1, true)",
                        "string.find: pattern step budget"),
                Arguments.of("set", "string.find(" + as + ", '[%s%d%p%u' .. string.rep('b', 900) .. ']')",
                        "string.find: pattern step budget"),
                Arguments.of("replacement escapes", "string.gsub(" + as + ", '(b?)', string.rep('%1', 500))",
                        "string.gsub: pattern step budget"),
                Arguments.of("caught by pcall", "pcall(string.find, " + as + ", '.-.-.-.-b')", "string.find: pattern step budget"),
                Arguments.of("in a gsub replacement function", "string.gsub('x y', '%w', function(w) "
                        + "return tostring(string.find(" + as + ", '.-.-.-b')) end)", "string.find: pattern step budget"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pathological")
    void aPathologicalPatternEndsTheCallAtTheBudget(String name, String expression, String message) {
        RuleErrors errors = new RuleErrors();
        LuaRouter router = Scripts.router("function route(req)\n  if req.path == '/evil' then\n    local x = " + expression
                + "\n    return 'demo-2'\n  end\n  return 'demo-1'\nend\n", errors);
        for (int i = 0; i < 2; i++) {
            Object d = assertTimeoutPreemptively(NET, () -> Scripts.decide(router, TestHead.get("a.example", "/evil")));
            assertEquals(Scripts.FAILED, d, name);
            assertEquals(Decision.to("demo-1"), Scripts.decide(router, TestHead.get("a.example", "/")), name);
        }
        assertEquals(2, errors.count(RuleErrors.Kind.BUDGET), errors.last());
        assertEquals(2, errors.total(), errors.last());
        assertTrue(errors.last().startsWith("rules.lua: " + message), errors.last());
    }

    @Test
    void aLongSubjectWithinTheBudgetIsMatched() {
        assertEquals("100001", PatternSemanticsTest.eval("select(2, string.find(string.rep('a', 100000) .. 'b', 'a*b'))"));
        assertEquals("100000", PatternSemanticsTest.eval("#string.match(string.rep('a', 100000) .. 'b', '^(a+)b$')"));
        assertEquals("99999", PatternSemanticsTest.eval("select(2, string.gsub(string.rep('a', 100000), 'aa?', ''))"
                + " + select(2, string.gsub(string.rep('a', 99998), '%w%w', 'x'))"));
    }

    @Test
    void theStepBudgetIsConfigurableAndCountsEveryPatternOfTheCall() {
        String script = "function route(req)\n  local n = 0\n  for i = 1, tonumber(req.query) do\n"
                + "    if string.find('some.host.example.com', '%.example%.com$') then n = n + 1 end\n  end\n"
                + "  return 'demo-1'\nend\n";
        RuleErrors errors = new RuleErrors();
        LuaRouter router = new LuaRouter(Scripts.compile(script, new Budget(100_000, 1 << 20, 200, 2000, 1024)),
                Scripts.DEMO, errors);
        assertEquals(Decision.to("demo-1"), Scripts.decide(router, query("2")));
        assertEquals(Scripts.FAILED, Scripts.decide(router, query("200")));
        assertTrue(errors.last().startsWith("rules.lua: string.find: pattern step budget of 2000 exceeded"), errors.last());
        assertEquals(Decision.to("demo-1"), Scripts.decide(router, query("2")), "every call has a fresh budget");
    }

    @Test
    void gmatchChargesEachIterationToTheCallItRunsIn() {
        String script = "function route(req)\n  local n = 0\n"
                + "  for w in string.rep('ab ', tonumber(req.query)):gmatch('%a+') do n = n + 1 end\n"
                + "  return n == tonumber(req.query) and 'demo-1' or 'demo-2'\nend\n";
        CompiledScript compiled = Scripts.compile(script, new Budget(100_000, 1 << 20, 200, 1000, 1024));
        ScriptState state = new ScriptState(compiled, new Answers(Scripts.DEMO));
        RuleErrors errors = new RuleErrors();
        assertEquals(Decision.to("demo-1"), state.call(query("10"), errors));
        long ten = state.patternStepsUsed();
        assertEquals(Decision.to("demo-1"), state.call(query("40"), errors));
        long forty = state.patternStepsUsed();
        assertTrue(ten > 10 && forty >= 4 * ten - 10, ten + " steps for 10 iterations, " + forty + " for 40");
        assertEquals(Decision.pass(), state.call(query("1000"), errors), "no single iteration is expensive; together they are");
        assertTrue(state.failed());
        assertTrue(errors.last().startsWith("rules.lua: string.gmatch: pattern step budget of 1000 exceeded (pattern '%a+'"),
                errors.last());
    }

    @Test
    void gsubCallsBackIntoLuaUnderTheSameBudget() {
        assertEquals("AB x CD,3", PatternSemanticsTest.eval(
                "string.gsub('ab x cd', '%a+', function(w) if #w > 1 then return (w:gsub('%a', string.upper)) end end)"));
        assertEquals("demo-1 demo-2,2", PatternSemanticsTest.eval(
                "string.gsub('1 2', '%d', function(d) for i = 1, 10 do d = d .. '' end return backends[tonumber(d)] end)"));

        RuleErrors errors = new RuleErrors();
        LuaRouter looping = Scripts.router("function route(req)\n  return (('a b'):gsub('%a', function(w)\n"
                + "    while true do end\n  end))\nend\n", errors);
        assertEquals(Scripts.FAILED, Scripts.decide(looping, TestHead.get("a", "/")));
        assertEquals("rules.lua: instruction budget of 100000 exceeded", errors.last());

        LuaRouter failing = Scripts.router("function route(req)\n  return (('a b'):gsub('%a', function(w)\n"
                + "    return w.x.y\n  end))\nend\n", errors);
        assertEquals(Scripts.FAILED, Scripts.decide(failing, TestHead.get("a", "/")));
        assertTrue(errors.last().startsWith("rules.lua:3: "), errors.last());

        LuaRouter growing = Scripts.router("function route(req)\n  local s = string.rep('x', 2000)\n"
                + "  return (s:gsub('x', function() return s end))\nend\n", errors);
        assertTrue(Scripts.FAILED.equals(Scripts.decide(growing, TestHead.get("a", "/"))));
        assertEquals("rules.lua: string.gsub: byte budget of 1048576 exceeded", errors.last());
    }

    @Test
    void aPatternOverTheLengthLimitIsAnErrorNamingTheLimit() {
        RuleErrors errors = new RuleErrors();
        LuaRouter router = Scripts.router("function route(req)\n  local n = tonumber(req.query)\n"
                + "  if string.find('abc', string.rep('a', n)) then return 'demo-1' end\n  return 'demo-2'\nend\n", errors);
        assertEquals(Decision.to("demo-2"), Scripts.decide(router, query("1024")));
        assertEquals(Scripts.FAILED, Scripts.decide(router, query("1025")));
        assertEquals(1, errors.count(RuleErrors.Kind.ERROR));
        assertEquals("rules.lua:3: string.find: a pattern of 1025 bytes is longer than the limit of 1024 "
                + "(budget.pattern.length)", errors.last());

        Budget small = new Budget(100_000, 1 << 20, 200, 1_000_000, 16);
        for (String call : new String[] {"string.match('abc', P)", "string.gsub('abc', P, '')", "string.gmatch('abc', P)"}) {
            String function = call.substring(0, call.indexOf('('));
            LuaRouter limited = new LuaRouter(Scripts.compile("function route(req)\n  local r = "
                    + call.replace("P", "string.rep('.', tonumber(req.query))") + "\n  return 'demo-1'\nend\n", small),
                    Scripts.DEMO, errors);
            assertEquals(Decision.to("demo-1"), Scripts.decide(limited, query("16")), call);
            assertEquals(Scripts.FAILED, Scripts.decide(limited, query("17")), call);
            assertTrue(errors.last().startsWith("rules.lua:2: " + function + ": a pattern of 17 bytes is longer than the limit of 16"),
                    errors.last());
        }
        assertEquals("false", PatternSemanticsTest.eval("pcall(string.find, 'a', string.rep('a', 2000)) and 'true' or 'false'"),
                "an ordinary error, which pcall catches");
    }

    @Test
    void theLimitsAreCheckedWhereTheBudgetIs() {
        assertEquals("budget.pattern.steps must be 1000 to 1000000000, not 10",
                new Budget(100_000, 1 << 20, 200, 10, 1024).problem());
        assertEquals("budget.pattern.length must be 16 to 65536, not 8",
                new Budget(100_000, 1 << 20, 200, 1_000_000, 8).problem());
        assertEquals(null, Budget.DEFAULT.problem());

        List<String> errors = new ArrayList<>();
        new LuaCheck().check(LuaRules.PID, Map.of("budget.pattern.length", "8"), dir, errors, new ArrayList<>());
        assertEquals(List.of("rsp.routing.lua: budget.pattern.length must be 16 to 65536, not 8"), errors);

        assertEquals(false, new LuaRules(() -> { }).configure("etc/rules.lua",
                new Budget(100_000, 1 << 20, 200, 999, 1024), 500));
    }

    @Test
    void checkAndLuaTestReportAPathologicalPatternAsTheRouterDoes() throws Exception {
        String topLevel = "local x = string.find(string.rep('a', 100000), '.-.-.-.-b')\nfunction route(req) return nil end\n";
        CompiledScript.Failed f = assertInstanceOf(CompiledScript.Failed.class,
                CompiledScript.compile(topLevel, "rules.lua", Budget.DEFAULT));
        assertTrue(f.message().startsWith("rules.lua: string.find: pattern step budget of 500000 exceeded"), f.message());

        Path script = Files.writeString(dir.resolve("rules.lua"), "function route(req)\n"
                + "  if req.header('X-Probe'):find('.-.-.-.-.-.-.-.-b') then return 'demo-2' end\nend\n");
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int status = RuleTrial.run(script, new RuleTrial.Request("GET", "a", "/", "", Map.of("X-Probe", "a".repeat(30_000)), null),
                List.of("demo-1", "demo-2"), new PrintStream(text, true, StandardCharsets.UTF_8));
        String out = text.toString(StandardCharsets.UTF_8);
        assertEquals(RuleTrial.SCRIPT_ERROR, status, out);
        assertTrue(out.contains("error:    " + script + ": string.find: pattern step budget of 500000 exceeded "
                + "(pattern '.-.-.-.-.-.-.-.-b' on a subject of 30000 bytes)"), out);

        text.reset();
        status = RuleTrial.run(script, new RuleTrial.Request("GET", "a", "/", "", Map.of("X-Probe", "aab"), null),
                List.of("demo-1", "demo-2"), new PrintStream(text, true, StandardCharsets.UTF_8));
        out = text.toString(StandardCharsets.UTF_8);
        assertEquals(RuleTrial.DECIDED, status, out);
        assertTrue(out.contains("decision: route demo-2"), out);
        assertTrue(out.matches("(?s).*cost:     \\d+ of 100000 instructions, [1-9]\\d* of 500000 pattern steps\n.*"), out);
    }

    private static TestHead query(String q) {
        return new TestHead("GET", "/", q, "a.example", Map.of(), null);
    }
}
