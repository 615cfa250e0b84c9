package dev.rsp.routing.lua;

import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.OneArgFunction;

/** What {@code rehost("some.domain")} returns: a value scripts cannot forge or open, read back by {@link Answers}. */
final class Rehost extends LuaUserdata {

    /** The global function {@code rehost(host)}; shared, stateless. */
    static final LuaValue FUNCTION = new OneArgFunction() {
        {
            name = "rehost";
        }

        @Override
        public LuaValue call(LuaValue host) {
            return new Rehost(host.checkjstring());
        }
    };

    final String host;

    private Rehost(String host) {
        super(host);
        this.host = host;
    }

    @Override
    public String tojstring() {
        return "rehost(" + host + ")";
    }
}
