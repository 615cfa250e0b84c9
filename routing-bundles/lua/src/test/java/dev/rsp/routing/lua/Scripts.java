package dev.rsp.routing.lua;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import java.util.ArrayList;
import java.util.List;

/** Builds routers from script source for tests. */
final class Scripts {

    static final Backends DEMO = backends("demo-1", "demo-2", "demo-3");

    private Scripts() {
    }

    /** What {@link #decide} answers for a call that failed: the core counts it as the strategy's error. */
    static final String FAILED = "the rule failed";

    /** The router's decision, or {@link #FAILED} when the call failed. */
    static Object decide(dev.rsp.spi.routing.Router router, dev.rsp.spi.routing.RequestHead head) {
        try {
            return router.select(head);
        } catch (LuaRouter.RuleFailed e) {
            return FAILED;
        }
    }

    static Backends backends(String... names) {
        List<Backend> all = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            all.add(new Backend(names[i], "127.0.0.1", 9101 + i, 1));
        }
        return new Backends(1, all);
    }

    static CompiledScript compile(String source, Budget budget) {
        CompiledScript.Outcome o = CompiledScript.compile(source, "rules.lua", budget);
        if (o instanceof CompiledScript.Failed f) {
            throw new AssertionError(f.message());
        }
        return assertInstanceOf(CompiledScript.Compiled.class, o).script();
    }

    static LuaRouter router(String source, RuleErrors errors) {
        return new LuaRouter(compile(source, Budget.DEFAULT), DEMO, errors);
    }

    static LuaRouter router(String source) {
        return router(source, new RuleErrors());
    }
}
