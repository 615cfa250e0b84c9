package dev.rsp.routing.lua;

import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.RequestHead;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;

/**
 * One sandboxed Lua state running one {@link CompiledScript}: its own globals, budget hook and {@code req}. Owned by
 * one thread (a loop thread, through {@link LuaRouter}'s thread-local); never shared.
 *
 * <p>Building it runs the script's top level under the budget; a failure there (or no function {@code route}) is
 * kept as {@link #loadError()} and every call then passes.
 */
final class ScriptState {

    private final CompiledScript script;
    private final Answers answers;
    private final SandboxGlobals globals = new SandboxGlobals();
    private final BudgetHook hook = new BudgetHook();
    private final RequestView req = new RequestView();
    private final LuaValue route;
    private final String loadError;

    ScriptState(CompiledScript script, Answers answers) {
        this.script = script;
        this.answers = answers;
        globals.debuglib = hook;
        globals.rawset("rehost", Rehost.FUNCTION);
        globals.rawset("backends", answers.names());
        LuaValue r = LuaValue.NIL;
        String error = null;
        hook.begin(script.budget());
        try {
            new LuaClosure(script.proto(), globals).call();
            r = globals.rawget("route");
            if (!r.isfunction()) {
                error = script.name() + ": the script defines no function route(req)";
            }
        } catch (LuaError | BudgetExceeded | StackOverflowError e) {
            error = CompiledScript.describe(e, script.name());
        } finally {
            hook.end();
            globals.seal();
        }
        this.route = r;
        this.loadError = error;
    }

    /** Why this state cannot route, or {@code null}. */
    String loadError() {
        return loadError;
    }

    /**
     * Calls {@code route(req)} under the budget. Never throws: an error, an exhausted budget or a bad answer is
     * recorded in {@code errors} and the request passes.
     */
    Decision call(RequestHead request, RuleErrors errors) {
        if (loadError != null) {
            errors.record(RuleErrors.Kind.ERROR, loadError);
            return Decision.pass();
        }
        hook.begin(script.budget());
        req.point(request);
        try {
            return answers.read(route.call(req));
        } catch (BudgetExceeded e) {
            errors.record(RuleErrors.Kind.BUDGET, CompiledScript.describe(e, script.name()));
        } catch (Answers.BadAnswer e) {
            errors.record(RuleErrors.Kind.BAD_ANSWER, script.name() + ": " + e.getMessage());
        } catch (LuaError | StackOverflowError e) {
            errors.record(RuleErrors.Kind.ERROR, CompiledScript.describe(e, script.name()));
        } catch (RuntimeException e) {
            errors.record(RuleErrors.Kind.ERROR, script.name() + ": " + e);
        } finally {
            req.point(null);
            hook.end();
        }
        return Decision.pass();
    }

    /**
     * Detaches the budget hook: calls then run unmetered and unbounded. Only for the benchmark that measures the
     * hook's overhead; never used by the strategy.
     */
    void unmeteredForBenchmark() {
        globals.debuglib = null;
    }

    /** Instructions the last call used (for tests and the lua-test tool). */
    long instructionsUsed() {
        return hook.instructionsUsed();
    }
}
