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

    @Override
    public Decision select(RequestHead request) {
        return states.get().call(request, errors);
    }

    CompiledScript script() {
        return script;
    }

    /** The router used while no script has loaded: every request passes. */
    static final Router NONE = request -> Decision.pass();
}
