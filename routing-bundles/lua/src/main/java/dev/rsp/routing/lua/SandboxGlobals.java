package dev.rsp.routing.lua;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.BaseLib;

/**
 * The global table of one sandboxed Lua state. It holds the base library without the functions that load code, touch
 * the garbage collector or write to stdout ({@code load}, {@code loadstring}, {@code dofile}, {@code loadfile},
 * {@code require}, {@code collectgarbage}, {@code print}), the shared sealed {@code string}, {@code table} and
 * {@code math} libraries, and no {@code io}, {@code os}, {@code luajava}, {@code debug}, {@code coroutine} or
 * {@code package}. Once the script's top level has run, the table is sealed: a call cannot leave state behind in
 * globals (each loop thread has its own state, so such state would differ between threads anyway).
 */
final class SandboxGlobals extends Globals {

    private static final String[] REMOVED = {"load", "loadstring", "dofile", "loadfile", "require", "collectgarbage", "print"};

    private boolean sealed;

    SandboxGlobals() {
        SharedLibraries.install();
        load(new BaseLib());
        for (String name : REMOVED) {
            rawset(name, NIL);
        }
        rawset("string", SharedLibraries.STRING);
        rawset("table", SharedLibraries.TABLE);
        rawset("math", SharedLibraries.MATH);
        // Nothing may compile or load code in this state: the rules were compiled from source, off the loop.
        compiler = null;
        loader = null;
        undumper = null;
        finder = null;
    }

    /** Forbids every further write to the globals. */
    void seal() {
        sealed = true;
    }

    private void check() {
        if (sealed) {
            throw new LuaError("attempt to set a global after the script was loaded (use a local)");
        }
    }

    @Override
    public void rawset(int key, LuaValue value) {
        check();
        super.rawset(key, value);
    }

    @Override
    public void rawset(LuaValue key, LuaValue value) {
        check();
        super.rawset(key, value);
    }

    @Override
    public void hashset(LuaValue key, LuaValue value) {
        check();
        super.hashset(key, value);
    }

    @Override
    public LuaValue setmetatable(LuaValue metatable) {
        check();
        return super.setmetatable(metatable);
    }

    @Override
    public void sort(LuaValue comparator) {
        check();
        super.sort(comparator);
    }
}
