package dev.rsp.routing.lua;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * A Lua table that becomes read-only once {@link #seal() sealed}: every write path of LuaJ's table (assignment,
 * {@code rawset}, {@code table.insert/remove/sort}, {@code setmetatable}) ends in a method overridden here.
 *
 * <p>Used for everything scripts share: the string, table and math libraries (one copy per class loader, read by
 * every loop thread) and the string metatable. After sealing it is safe to read from many threads.
 */
class SealedTable extends LuaTable {

    private volatile boolean sealed;

    /** Forbids every further write. */
    SealedTable seal() {
        sealed = true;
        return this;
    }

    boolean sealed() {
        return sealed;
    }

    private void check() {
        if (sealed) {
            throw new LuaError("attempt to modify a read-only table");
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

    @Override
    public void presize(int narray) {
        check();
        super.presize(narray);
    }

    @Override
    public void presize(int narray, int nhash) {
        check();
        super.presize(narray, nhash);
    }
}
