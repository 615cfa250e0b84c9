package dev.rsp.routing.lua;

import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.RequestHead;
import dev.rsp.spi.routing.Router;

/**
 * The router of one script version and one backend set. The compiled script is shared; every thread that calls
 * {@link #select} gets a Lua state of its own on its first call (made then, on that thread: it runs the script's
 * top level under the budget, no I/O), so no lock is taken and no Lua state is ever touched by two threads.
 */
final class LuaRouter implements Router {

    private final CompiledScript script;
    private final Answers answers;
    private final RuleErrors errors;
    private final ThreadLocal<ScriptState> states;

    LuaRouter(CompiledScript script, Backends backends, RuleErrors errors) {
        this.script = script;
        this.answers = new Answers(backends);
        this.errors = errors;
        this.states = ThreadLocal.withInitial(() -> new ScriptState(this.script, answers));
    }

    /**
     * A call that failed (recorded and logged by {@link RuleErrors}) ends in {@link RuleFailed}, so that the core counts
     * it as the strategy's {@code error} and asks the next strategy.
     */
    @Override
    public Decision select(RequestHead request) {
        ScriptState state = states.get();
        Decision d = state.call(request, errors);
        if (state.failed()) {
            throw RuleFailed.INSTANCE;
        }
        return d;
    }

    /** Thrown by {@link #select} after a failed call; preallocated, no stack trace (the failure is already logged). */
    static final class RuleFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final RuleFailed INSTANCE = new RuleFailed();

        private RuleFailed() {
            super("the rule failed (see dev.rsp.routing.lua.RuleErrors)", null, false, false);
        }
    }

    CompiledScript script() {
        return script;
    }

    /** The router used while no script has loaded: every request passes. */
    static final Router NONE = request -> Decision.pass();
}
