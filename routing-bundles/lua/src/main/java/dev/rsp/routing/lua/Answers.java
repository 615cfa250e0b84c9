package dev.rsp.routing.lua;

import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Decision;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * Turns what {@code route} returned into a {@link Decision}: nil is a pass, a string one backend, a list of 1 to
 * {@value Decision#MAX_CANDIDATES} strings ordered candidates, {@code rehost(h)} a rehost. Anything else is a
 * {@link BadAnswer}. Built per backend set: the one-backend decisions are made once, not per request, and the
 * backend names are offered to scripts as the sealed list {@code backends}.
 */
final class Answers {

    /** What a script returned that is not an answer; counted as an error, the request passes. */
    static final class BadAnswer extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadAnswer(String message) {
            super(message, null, false, false);
        }
    }

    private final Map<LuaString, Decision> single = new HashMap<>();
    private final SealedTable names = new SealedTable();
    private final java.util.Set<String> known = new java.util.HashSet<>();

    Answers(Backends backends) {
        int i = 1;
        for (Backend b : backends.all()) {
            single.put(LuaString.valueOf(b.name()), Decision.to(b.name()));
            known.add(b.name());
            names.rawset(i++, LuaValue.valueOf(b.name()));
        }
        names.seal();
    }

    /** The backend names, in name order, as a read-only Lua list. */
    SealedTable names() {
        return names;
    }

    /** The first name of {@code route} that is not a configured backend, or {@code null} when all are. */
    String firstUnknown(Decision.Route route) {
        for (String name : route.backends()) {
            if (!known.contains(name)) {
                return name;
            }
        }
        return null;
    }

    Decision read(LuaValue v) {
        if (v.isnil()) {
            return Decision.pass();
        }
        if (v instanceof LuaString s) {
            Decision d = single.get(s);
            return d != null ? d : Decision.to(s.tojstring());
        }
        if (v instanceof Rehost r) {
            return Decision.rehost(r.host);
        }
        if (v instanceof LuaTable t) {
            int n = t.length();
            if (n < 1 || n > Decision.MAX_CANDIDATES) {
                throw new BadAnswer("route returned a list of " + n + " backends; 1 to " + Decision.MAX_CANDIDATES + " allowed");
            }
            List<String> list = new ArrayList<>(n);
            for (int i = 1; i <= n; i++) {
                LuaValue e = t.get(i);
                if (!(e instanceof LuaString s)) {
                    throw new BadAnswer("route returned a list whose element " + i + " is a " + e.typename() + ", not a backend name");
                }
                list.add(s.tojstring());
            }
            return Decision.to(list);
        }
        throw new BadAnswer("route returned a " + v.typename() + "; expected nil, a backend name, a list of names or rehost(host)");
    }
}
