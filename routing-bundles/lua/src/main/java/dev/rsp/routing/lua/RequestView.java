package dev.rsp.routing.lua;

import dev.rsp.spi.routing.RequestHead;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code req} a script's {@code route} receives: a read-only table whose fields are read from the current
 * {@link RequestHead} when asked for ({@code req.method}, {@code req.path}, {@code req.query}, {@code req.host},
 * {@code req.client}, {@code req.sni}, {@code req.header(name)} or {@code req:header(name)}).
 *
 * <p>One instance per Lua state, pointed at the request only for the duration of a call: a script that keeps
 * {@code req} finds every field nil later.
 */
final class RequestView extends SealedTable {

    private static final LuaString METHOD = LuaString.valueOf("method");
    private static final LuaString PATH = LuaString.valueOf("path");
    private static final LuaString QUERY = LuaString.valueOf("query");
    private static final LuaString HOST = LuaString.valueOf("host");
    private static final LuaString CLIENT = LuaString.valueOf("client");
    private static final LuaString SNI = LuaString.valueOf("sni");
    private static final LuaString HEADER = LuaString.valueOf("header");

    private final HeaderFunction header = new HeaderFunction();
    private RequestHead head;

    RequestView() {
        seal();
    }

    void point(RequestHead request) {
        head = request;
    }

    @Override
    public LuaValue get(LuaValue key) {
        RequestHead h = head;
        if (h == null || !(key instanceof LuaString k)) {
            return NIL;
        }
        if (k.raweq(HOST)) {
            return valueOf(h.host());
        }
        if (k.raweq(HEADER)) {
            return header;
        }
        if (k.raweq(PATH)) {
            return valueOf(h.path());
        }
        if (k.raweq(METHOD)) {
            return valueOf(h.method());
        }
        if (k.raweq(QUERY)) {
            return valueOf(h.query());
        }
        if (k.raweq(SNI)) {
            return orNil(h.sni());
        }
        if (k.raweq(CLIENT)) {
            InetSocketAddress a = h.clientAddress();
            return a == null ? NIL : valueOf(a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString());
        }
        return NIL;
    }

    @Override
    public LuaValue get(String key) {
        return get(valueOf(key));
    }

    @Override
    public String tojstring() {
        return "req";
    }

    private static LuaValue orNil(Optional<String> v) {
        return v.isPresent() ? valueOf(v.get()) : NIL;
    }

    /** {@code req.header(name)} and {@code req:header(name)}: the first value, or nil. */
    private final class HeaderFunction extends VarArgFunction {
        HeaderFunction() {
            name = "header";
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue name = args.arg1() == RequestView.this ? args.arg(2) : args.arg1();
            RequestHead h = head;
            if (h == null) {
                return NIL;
            }
            return orNil(h.header(name.checkjstring()));
        }
    }
}
