package dev.rsp.routing.lua;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.MathLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code string}, {@code table} and {@code math} libraries, built once per class loader, sealed and shared by
 * every Lua state (LuaJ's string metatable is a static field, so the string library is shared whatever we do).
 *
 * <p>Functions that can make a large string from small inputs are replaced by versions that size their result
 * first and charge it to the call's byte budget: {@code string.rep}, {@code string.format}, {@code table.concat}.
 * The pattern functions {@code string.find}, {@code match}, {@code gmatch} and {@code gsub} are rsp's own
 * ({@link PatternLibrary}): they spend the call's pattern step budget, and gsub charges its result to the byte
 * budget as it grows. {@code string.dump} is removed; {@code table.unpack} returns at most {@value #MAX_UNPACK}
 * values.
 */
final class SharedLibraries {

    static final int MAX_UNPACK = 1000;

    static final SealedTable STRING;
    static final SealedTable TABLE;
    static final SealedTable MATH;

    static {
        Globals scratch = new Globals();
        LuaTable loaded = new LuaTable();
        LuaTable pkg = new LuaTable();
        pkg.set("loaded", loaded);
        scratch.set("package", pkg);
        LuaValue saved = LuaString.s_metatable;
        scratch.load(new StringLib());
        scratch.load(new TableLib());
        scratch.load(new MathLib());
        LuaString.s_metatable = saved;

        STRING = copy(scratch.get("string"));
        STRING.rawset("dump", LuaValue.NIL);
        STRING.rawset("rep", new Rep());
        STRING.rawset("format", new Bounded("format", scratch.get("string").get("format"), SharedLibraries::formatBound));
        STRING.rawset("find", PatternLibrary.FIND);
        STRING.rawset("match", PatternLibrary.MATCH);
        STRING.rawset("gmatch", PatternLibrary.GMATCH);
        STRING.rawset("gsub", PatternLibrary.GSUB);
        STRING.seal();

        TABLE = copy(scratch.get("table"));
        TABLE.rawset("concat", new Bounded("concat", scratch.get("table").get("concat"), SharedLibraries::concatBound));
        TABLE.rawset("unpack", new Unpack(scratch.get("table").get("unpack")));
        TABLE.seal();

        MATH = copy(scratch.get("math"));
        MATH.seal();

        SealedTable meta = new SealedTable();
        meta.rawset(LuaValue.INDEX, STRING);
        meta.rawset(LuaValue.METATABLE, LuaValue.valueOf("read-only"));
        LuaString.s_metatable = meta.seal();
    }

    private SharedLibraries() {
    }

    /** Makes sure the string metatable is ours; call before running any script. */
    static void install() {
        // the static initializer does the work
    }

    private static SealedTable copy(LuaValue from) {
        SealedTable to = new SealedTable();
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = from.next(k);
            if ((k = n.arg1()).isnil()) {
                return to;
            }
            to.rawset(k, n.arg(2));
        }
    }

    /** Upper bound of {@code string.format}'s result: a width or precision has at most two digits. */
    private static long formatBound(Varargs args) {
        LuaString fmt = args.checkstring(1);
        long bound = 100L * fmt.length();
        for (int i = 2; i <= args.narg(); i++) {
            bound += size(args.arg(i));
        }
        return bound;
    }

    /** Exact size of {@code table.concat}'s result (numbers counted generously). */
    private static long concatBound(Varargs args) {
        LuaTable t = args.checktable(1);
        LuaString sep = args.optstring(2, LuaValue.EMPTYSTRING);
        int first = args.optint(3, 1);
        int last = args.isnoneornil(4) ? t.length() : args.checkint(4);
        long bound = 0;
        for (long i = first; i <= last; i++) {
            bound += size(t.get((int) i)) + sep.length();
            if (bound > BudgetHook.byteLimit()) {
                break;
            }
        }
        return bound;
    }

    static long size(LuaValue v) {
        return v instanceof LuaString s ? s.length() : 32;
    }

    private static void check(String what, long bytes) {
        if (bytes > BudgetHook.byteLimit()) {
            throw new BudgetExceeded(what + " would make a string of more than " + BudgetHook.byteLimit() + " bytes");
        }
        BudgetHook.charge(bytes);
    }

    /** Sizes a library function's result from its arguments before calling it. */
    private static final class Bounded extends VarArgFunction {
        private final String what;
        private final LuaValue delegate;
        private final java.util.function.ToLongFunction<Varargs> bound;

        Bounded(String what, LuaValue delegate, java.util.function.ToLongFunction<Varargs> bound) {
            this.what = what;
            this.delegate = delegate;
            this.bound = bound;
            name = what;
        }

        @Override
        public Varargs invoke(Varargs args) {
            check(what, bound.applyAsLong(args));
            return delegate.invoke(args);
        }
    }

    /** {@code string.rep(s, n [, sep])}, sized first. */
    private static final class Rep extends VarArgFunction {
        Rep() {
            name = "rep";
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaString s = args.checkstring(1);
            long n = args.checklong(2);
            LuaString sep = args.optstring(3, LuaValue.EMPTYSTRING);
            if (n <= 0) {
                return LuaValue.EMPTYSTRING;
            }
            long size = s.length() * n + sep.length() * (n - 1);
            if (n > Integer.MAX_VALUE || size < 0 || size > BudgetHook.byteLimit()) {
                throw new BudgetExceeded("string.rep would make a string of more than " + BudgetHook.byteLimit() + " bytes");
            }
            BudgetHook.charge(size);
            byte[] bytes = new byte[(int) size];
            int at = 0;
            for (long i = 0; i < n; i++) {
                if (i > 0) {
                    sep.copyInto(0, bytes, at, sep.length());
                    at += sep.length();
                }
                s.copyInto(0, bytes, at, s.length());
                at += s.length();
            }
            return LuaString.valueUsing(bytes);
        }
    }

    /** {@code table.unpack} with a bounded number of results. */
    private static final class Unpack extends VarArgFunction {
        private final LuaValue delegate;

        Unpack(LuaValue delegate) {
            this.delegate = delegate;
            name = "unpack";
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaTable t = args.checktable(1);
            long first = args.optlong(2, 1);
            long last = args.isnoneornil(3) ? t.length() : args.checklong(3);
            if (last - first + 1 > MAX_UNPACK) {
                throw new LuaError("table.unpack: more than " + MAX_UNPACK + " results");
            }
            return delegate.invoke(args);
        }
    }
}
