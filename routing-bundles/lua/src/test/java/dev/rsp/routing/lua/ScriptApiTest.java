package dev.rsp.routing.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.Router;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a script sees of a request and what it may answer. */
class ScriptApiTest {

    static final String EXAMPLE = """
            -- the typical rule: a host suffix and a header
            function route(req)
              if req.host:sub(-#".static.example.com") == ".static.example.com" then
                return "demo-3"
              end
              if req.header("X-Canary") == "1" then
                return "demo-2"
              end
              return nil
            end
            """;

    @Test
    void theTypicalRuleRoutesBySuffixAndHeaderAndOtherwisePasses() {
        Router r = Scripts.router(EXAMPLE);
        assertEquals(Decision.to("demo-3"), Scripts.decide(r, TestHead.get("img.static.example.com", "/a.png")));
        assertEquals(Decision.to("demo-2"), Scripts.decide(r, TestHead.get("alice.example.com", "/").withHeader("x-canary", "1")));
        assertEquals(Decision.pass(), Scripts.decide(r, TestHead.get("alice.example.com", "/").withHeader("X-Canary", "0")));
        assertEquals(Decision.pass(), Scripts.decide(r, TestHead.get("static.example.com", "/")));
    }

    @Test
    void everyFieldOfTheRequestIsReadable() {
        Router r = Scripts.router("""
                function route(req)
                  return table.concat({req.method, req.path, req.query, req.host, req.client,
                                       req.sni or "-", req:header("x-a") or "-", tostring(req.header("nope"))}, "|")
                end
                """);
        TestHead head = new TestHead("POST", "/p/q", "a=1", "h.example", java.util.Map.of("X-A", "v"), "sni.example");
        assertEquals(Decision.to("POST|/p/q|a=1|h.example|127.0.0.1|sni.example|v|nil"), Scripts.decide(r, head));
        assertEquals(Decision.to("GET|/|||127.0.0.1|-|-|nil"), Scripts.decide(r, new TestHead("GET", "/", "", "", java.util.Map.of(), null)));
    }

    @Test
    void theBackendNamesAreAReadOnlyList() {
        Router r = Scripts.router("""
                function route(req)
                  if req.path == "/write" then backends[1] = "x" end
                  return {backends[3], backends[1]}
                end
                """);
        assertEquals(Decision.to(List.of("demo-3", "demo-1")), Scripts.decide(r, TestHead.get("a", "/")));
        assertEquals(Scripts.FAILED, Scripts.decide(r, TestHead.get("a", "/write")));
    }

    @Test
    void answersAreNilANameAListOrARehost() {
        Router r = Scripts.router("""
                function route(req)
                  local p = req.path
                  if p == "/nil" then return nil end
                  if p == "/none" then return end
                  if p == "/one" then return "demo-1" end
                  if p == "/unknown" then return "no-such-backend" end
                  if p == "/list" then return {"demo-2", "demo-1", "demo-3"} end
                  if p == "/rehost" then return rehost("Fred.Example.com") end
                end
                """);
        assertEquals(Decision.pass(), Scripts.decide(r, TestHead.get("a", "/nil")));
        assertEquals(Decision.pass(), Scripts.decide(r, TestHead.get("a", "/none")));
        assertEquals(Decision.to("demo-1"), Scripts.decide(r, TestHead.get("a", "/one")));
        assertEquals(Decision.to("no-such-backend"), Scripts.decide(r, TestHead.get("a", "/unknown")), "the core drops and counts it");
        assertEquals(Decision.to(List.of("demo-2", "demo-1", "demo-3")), Scripts.decide(r, TestHead.get("a", "/list")));
        assertEquals(Decision.rehost("Fred.Example.com"), Scripts.decide(r, TestHead.get("a", "/rehost")));
    }

    @Test
    void anythingElseReturnedIsAnErrorForThatCallAndPasses() {
        RuleErrors errors = new RuleErrors();
        Router r = Scripts.router("""
                function route(req)
                  local p = req.path
                  if p == "/number" then return 42 end
                  if p == "/false" then return false end
                  if p == "/true" then return true end
                  if p == "/function" then return route end
                  if p == "/empty" then return {} end
                  if p == "/long" then return {"a","b","c","d","e","f","g","h","i"} end
                  if p == "/mixed" then return {"demo-1", 2} end
                  if p == "/error" then error("boom") end
                  if p == "/nilindex" then return req.nothing.x end
                  return "demo-1"
                end
                """, errors);
        List<String> bad = List.of("/number", "/false", "/true", "/function", "/empty", "/long", "/mixed");
        for (String p : bad) {
            assertEquals(Scripts.FAILED, Scripts.decide(r, TestHead.get("a", p)), p);
        }
        assertEquals(bad.size(), errors.count(RuleErrors.Kind.BAD_ANSWER));
        assertTrue(errors.last().contains("route returned a list whose element 2 is a number"), errors.last());

        assertEquals(Scripts.FAILED, Scripts.decide(r, TestHead.get("a", "/error")));
        assertEquals("rules.lua:10: boom", errors.last());
        assertEquals(Scripts.FAILED, Scripts.decide(r, TestHead.get("a", "/nilindex")));
        assertTrue(errors.last().startsWith("rules.lua:11: "), errors.last());
        assertEquals(2, errors.count(RuleErrors.Kind.ERROR));
        assertEquals(Decision.to("demo-1"), Scripts.decide(r, TestHead.get("a", "/ok")), "the state still routes after errors");
    }

    @Test
    void aScriptWithoutRouteOrWithABrokenTopLevelDoesNotLoad() {
        assertEquals(new CompiledScript.Failed("rules.lua: the script defines no function route(req)"),
                CompiledScript.compile("x = 1", "rules.lua", Budget.DEFAULT));
        assertEquals(new CompiledScript.Failed("rules.lua:2: top"),
                CompiledScript.compile("local a = 1\nerror('top')\nfunction route() end", "rules.lua", Budget.DEFAULT));
        CompiledScript.Failed syntax = assertInstanceOf(CompiledScript.Failed.class,
                CompiledScript.compile("function route(req)\n  return = 1\nend", "rules.lua", Budget.DEFAULT));
        assertTrue(syntax.message().startsWith("rules.lua:2: "), syntax.message());
    }

    @Test
    void helperFunctionsAndTopLevelTablesWork() {
        Router r = Scripts.router("""
                local byPrefix = { ["/api/"] = "demo-1", ["/img/"] = "demo-2" }
                local function prefix(path) return path:match("^(/[^/]+/)") end
                function route(req)
                  return byPrefix[prefix(req.path) or ""]
                end
                """);
        assertEquals(Decision.to("demo-1"), Scripts.decide(r, TestHead.get("a", "/api/x")));
        assertEquals(Decision.to("demo-2"), Scripts.decide(r, TestHead.get("a", "/img/y.png")));
        assertEquals(Decision.pass(), Scripts.decide(r, TestHead.get("a", "/other")));
    }

    @Test
    void aRouteToAnUnknownBackendIsRecordedWithTheLineOfItsReturn() {
        RuleErrors errors = new RuleErrors();
        LuaRouter r = new LuaRouter(Scripts.compile("function route(req)\n  if req.path == '/x' then\n    return 'demo-9'\n  end\n  return 'demo-1'\nend\n",
                Budget.DEFAULT), Scripts.DEMO, errors);
        assertEquals(Decision.to("demo-1"), Scripts.decide(r, TestHead.get("a", "/")));
        assertEquals(0, errors.count(RuleErrors.Kind.UNKNOWN_BACKEND));
        assertEquals(Decision.to("demo-9"), Scripts.decide(r, TestHead.get("a", "/x")), "the core skips the name and counts it");
        assertEquals(1, errors.count(RuleErrors.Kind.UNKNOWN_BACKEND));
        assertEquals("rules.lua:3: route returned 'demo-9', which is not a configured backend", errors.last());
        assertEquals(0, errors.total(), "not a failed call");
    }
}
