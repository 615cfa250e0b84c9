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
    /** Whether the last {@link #call} failed (and was recorded). */
    private boolean failed;

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
     * recorded in {@code errors}, {@link #failed()} says so, and the answer is a pass. A route naming a backend that
     * is not configured is recorded too (with the line of its {@code return}) and returned as it is.
     */
    Decision call(RequestHead request, RuleErrors errors) {
        failed = true;
        if (loadError != null) {
            errors.record(RuleErrors.Kind.ERROR, loadError);
            return Decision.pass();
        }
        hook.begin(script.budget());
        req.point(request);
        try {
            Decision d = answers.read(route.call(req));
            failed = false;
            if (d instanceof Decision.Route r) {
                String unknown = answers.firstUnknown(r);
                if (unknown != null) {
                    errors.record(RuleErrors.Kind.UNKNOWN_BACKEND, script.name() + ":" + returnLine()
                            + ": route returned '" + unknown + "', which is not a configured backend");
                }
            }
            return d;
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

    /** Whether the last {@link #call} failed: an error, an exhausted budget or a bad answer (recorded). */
    boolean failed() {
        return failed;
    }

    /** The line of the {@code return} that ended the last call, or the line of {@code route} when unknown. */
    private int returnLine() {
        if (route instanceof LuaClosure c) {
            int[] lines = c.p.lineinfo;
            int pc = hook.topPc();
            return lines != null && pc >= 0 && pc < lines.length ? lines[pc] : c.p.linedefined;
        }
        return 0;
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

    /** Pattern steps the last call used (for tests and the lua-test tool). */
    long patternStepsUsed() {
        return hook.patternStepsUsed();
    }
}
