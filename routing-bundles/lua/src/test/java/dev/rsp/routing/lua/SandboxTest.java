package dev.rsp.routing.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.spi.routing.Decision;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Every escape the issue lists, and a few more: each must end the call with a counted failure (the request passes
 * to the next strategy), quickly, and the same Lua state must route the next request as before.
 */
class SandboxTest {

    static Stream<Arguments> escapes() {
        return Stream.of(
                // name, statement run by route for /evil, expected failure kind, text the message contains
                Arguments.of("os.execute", "os.execute('touch /tmp/rsp-lua-pwned')", RuleErrors.Kind.ERROR, "attempt to index ? (a nil value)"),
                Arguments.of("io.open", "io.open('/etc/passwd'):read('*a')", RuleErrors.Kind.ERROR, "attempt to index ? (a nil value)"),
                Arguments.of("luajava.bindClass", "luajava.bindClass('java.lang.System'):exit(1)", RuleErrors.Kind.ERROR, "attempt to index ? (a nil value)"),
                Arguments.of("load of a bytecode string", "load('\\27LuaR\\0\\1\\4\\8\\4\\8\\0')()", RuleErrors.Kind.ERROR, "attempt to call nil"),
                Arguments.of("loadstring", "loadstring('return 1')()", RuleErrors.Kind.ERROR, "attempt to call nil"),
                Arguments.of("string.dump", "return string.dump(route)", RuleErrors.Kind.ERROR, "attempt to call nil"),
                Arguments.of("dofile", "dofile('/etc/passwd')", RuleErrors.Kind.ERROR, "attempt to call nil"),
                Arguments.of("loadfile", "loadfile('/etc/passwd')", RuleErrors.Kind.ERROR, "attempt to call nil"),
                Arguments.of("require", "require('os')", RuleErrors.Kind.ERROR, "attempt to call nil"),
                Arguments.of("package.loadlib", "package.loadlib('libc.so.6', 'system')", RuleErrors.Kind.ERROR, "attempt to index ? (a nil value)"),
                Arguments.of("debug.sethook", "debug.sethook(function() end, '', 1)", RuleErrors.Kind.ERROR, "attempt to index ? (a nil value)"),
                Arguments.of("coroutine", "coroutine.wrap(function() end)()", RuleErrors.Kind.ERROR, "attempt to index ? (a nil value)"),
                Arguments.of("collectgarbage", "collectgarbage('collect')", RuleErrors.Kind.ERROR, "attempt to call nil"),
                Arguments.of("print (stdout)", "print('x')", RuleErrors.Kind.ERROR, "attempt to call nil"),
                Arguments.of("infinite loop", "while true do end", RuleErrors.Kind.BUDGET, "instruction budget of 100000 exceeded"),
                Arguments.of("loop swallowing errors with pcall", "while true do pcall(function() while true do end end) end",
                        RuleErrors.Kind.BUDGET, "instruction budget"),
                Arguments.of("runaway recursion", "local function f(n) return 1 + f(n + 1) end f(1)",
                        RuleErrors.Kind.BUDGET, "call depth budget of 200 exceeded"),
                Arguments.of("huge string with rep", "local s = ('x'):rep(1e9)", RuleErrors.Kind.BUDGET, "string.rep"),
                Arguments.of("huge string with string.rep and a separator", "local s = string.rep('x', 1e5, ('y'):rep(100))",
                        RuleErrors.Kind.BUDGET, "string.rep"),
                Arguments.of("string doubling loop", "local s = 'x' while true do s = s .. s end", RuleErrors.Kind.BUDGET, "byte budget"),
                Arguments.of("many medium strings", "local t = {} for i = 1, 1e6 do t[i] = ('x'):rep(60000) .. i end",
                        RuleErrors.Kind.BUDGET, "byte budget"),
                Arguments.of("gsub bomb", "local s = ('x'):rep(2000) s = s:gsub('x', s)", RuleErrors.Kind.BUDGET, "string.gsub"),
                Arguments.of("gsub bomb through a table", "local s = ('x'):rep(2000) s = s:gsub('x', {x = s})",
                        RuleErrors.Kind.BUDGET, "byte budget"),
                Arguments.of("format bomb", "local t = {} for i = 1, 100 do t[i] = ('x'):rep(10000) end "
                        + "local s = string.format(('%s'):rep(100), table.unpack(t))", RuleErrors.Kind.BUDGET, "byte budget"),
                Arguments.of("table.concat bomb", "local t = {} local s = ('x'):rep(60000) for i = 1, 100 do t[i] = s end "
                        + "return table.concat(t)", RuleErrors.Kind.BUDGET, "concat"),
                Arguments.of("unpack of a huge range", "return table.unpack({}, 1, 1e8)", RuleErrors.Kind.ERROR, "more than 1000"),
                Arguments.of("changing the shared string library", "string.upper = function() return 'demo-2' end",
                        RuleErrors.Kind.ERROR, "read-only"),
                Arguments.of("changing the string metatable", "getmetatable('').__index = {}", RuleErrors.Kind.ERROR, "index"),
                Arguments.of("rawset on a shared table", "rawset(string, 'rep', function() end)", RuleErrors.Kind.ERROR, "read-only"),
                Arguments.of("rawset on the string metatable", "rawset(getmetatable(''), '__index', {})", RuleErrors.Kind.ERROR, "table"),
                Arguments.of("setmetatable on a shared table", "setmetatable(math, {__index = function() return 1 end})",
                        RuleErrors.Kind.ERROR, "read-only"),
                Arguments.of("table.insert into a shared table", "table.insert(table, 1)", RuleErrors.Kind.ERROR, "read-only"),
                Arguments.of("setting a global after load", "leaked = req.host", RuleErrors.Kind.ERROR, "global"),
                Arguments.of("error with a table value", "error({})", RuleErrors.Kind.ERROR, "rules.lua"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("escapes")
    void anEscapeFailsSafelyAndTheStateKeepsRouting(String name, String evil, RuleErrors.Kind kind, String text) {
        RuleErrors errors = new RuleErrors();
        LuaRouter router = Scripts.router("function route(req)\n"
                + "  if req.path == '/evil' then\n    " + evil + "\n  end\n"
                + "  return (('demo-'):upper():lower()) .. ('1'):rep(1)\nend\n", errors);
        assertEquals(Decision.to("demo-1"), Scripts.decide(router, TestHead.get("a.example", "/")));
        for (int i = 0; i < 3; i++) {
            Object d = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> Scripts.decide(router, TestHead.get("a.example", "/evil")));
            assertEquals(Scripts.FAILED, d, name);
            assertEquals(Decision.to("demo-1"), Scripts.decide(router, TestHead.get("a.example", "/")), name + ": routes afterwards");
        }
        assertEquals(3, errors.count(kind), name + ": " + errors.last());
        assertEquals(3, errors.total(), name + ": " + errors.last());
        assertTrue(errors.last().contains(text), name + ": " + errors.last());
        assertTrue(!new java.io.File("/tmp/rsp-lua-pwned").exists());
    }

    @Test
    void theStringMetatableIsOursAndReadOnlyForEveryState() {
        LuaRouter a = Scripts.router("function route(req) pcall(function() getmetatable('').__index.rep = nil end) "
                + "return getmetatable('') end");
        LuaRouter b = Scripts.router("function route(req) return ('demo-'):rep(1) .. '3' end");
        assertEquals(Decision.to("read-only"), Scripts.decide(a, TestHead.get("a", "/")), "getmetatable('') gives the __metatable field");
        assertEquals(Decision.to("demo-3"), Scripts.decide(b, TestHead.get("a", "/")));
    }

    @Test
    void aBytecodeScriptDoesNotCompile() {
        CompiledScript.Failed f = assertInstanceOf(CompiledScript.Failed.class,
                CompiledScript.compile("\u001bLuaR\u0000\u0001\u0004\u0008", "rules.lua", Budget.DEFAULT));
        assertTrue(f.message().startsWith("rules.lua:1: "), f.message());
    }

    @Test
    void anInfiniteLoopAtTheTopLevelDoesNotLoad() {
        CompiledScript.Failed f = assertInstanceOf(CompiledScript.Failed.class,
                CompiledScript.compile("while true do end\nfunction route() end", "rules.lua", Budget.DEFAULT));
        assertEquals("rules.lua: instruction budget of 100000 exceeded", f.message());
    }

    @Test
    void theBudgetIsConfigurable() {
        String loop = "function route(req) local n = 0 for i = 1, tonumber(req.query) do n = n + i end return 'demo-1' end";
        RuleErrors errors = new RuleErrors();
        LuaRouter small = new LuaRouter(Scripts.compile(loop, new Budget(1000, 4096, 20)), Scripts.DEMO, errors);
        assertEquals(Decision.to("demo-1"), Scripts.decide(small, new TestHead("GET", "/", "100", "a", java.util.Map.of(), null)));
        assertEquals(Scripts.FAILED, Scripts.decide(small, new TestHead("GET", "/", "1000", "a", java.util.Map.of(), null)));
        assertEquals(1, errors.count(RuleErrors.Kind.BUDGET));
        LuaRouter big = Scripts.router(loop);
        assertEquals(Decision.to("demo-1"), Scripts.decide(big, new TestHead("GET", "/", "1000", "a", java.util.Map.of(), null)));
    }
}
