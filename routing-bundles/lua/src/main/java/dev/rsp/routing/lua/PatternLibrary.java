package dev.rsp.routing.lua;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * rsp's {@code string.find}, {@code string.match}, {@code string.gmatch} and {@code string.gsub}, in place of LuaJ's:
 * the same Lua 5.2 behaviour, but matched by {@link PatternMatcher}, which spends the call's pattern step budget
 * ({@link Budget#patternSteps()}), and with patterns no longer than {@link Budget#patternLength()}.
 *
 * <p>Where the manual leaves a case open, LuaJ 3.0.1's answer is kept, so rules written against it behave the same: an
 * {@code init} past the end of the subject starts at its end, and in a gsub replacement string {@code %} before a
 * character other than a digit stands for that character. Where LuaJ departs from the manual, the manual wins:
 * {@code gmatch} steps over an empty match (LuaJ would return it forever) and tries the end of the subject too; the
 * classes are those of the C locale ({@link CharClasses}: LuaJ has no {@code %g}, leaves {@code [\]^_`{|}~} out of
 * {@code %p} and {@code \v} out of {@code %s}, and counts Latin-1 letters above 127 in {@code %a}); {@code %f} finds
 * every frontier (LuaJ misses some and fails at the start of a subject); a back-reference to a position capture matches
 * nothing; gsub rejects a replacement that is not a string, number, table or function even when nothing matches; and
 * patterns nesting deeper than {@value PatternMatcher#MAX_DEPTH} levels are an error ("pattern too complex").
 *
 * <p>The functions are stateless and shared by every Lua state; the budget is that of the call running on the calling
 * thread ({@link BudgetHook#current()}), or the defaults outside a call.
 */
final class PatternLibrary {

    static final LuaValue FIND = new Find("find");
    static final LuaValue MATCH = new Find("match");
    static final LuaValue GMATCH = new Gmatch();
    static final LuaValue GSUB = new Gsub();

    /** The bytes that make a {@code string.find} pattern more than plain text. */
    private static final String SPECIALS = "^$*+?.([%-";

    private PatternLibrary() {
    }

    private static PatternSteps steps() {
        BudgetHook hook = BudgetHook.current();
        return hook != null ? hook.patternSteps() : new PatternSteps(Budget.DEFAULT_PATTERN_STEPS);
    }

    /** The pattern argument (#2), checked against the length limit. */
    private static LuaString pattern(Varargs args, String function) {
        LuaString p = args.checkstring(2);
        BudgetHook hook = BudgetHook.current();
        int limit = hook != null ? hook.budget().patternLength() : Budget.DEFAULT_PATTERN_LENGTH;
        if (p.length() > limit) {
            throw new LuaError(function + ": a pattern of " + p.length() + " bytes is longer than the limit of " + limit
                    + " (budget.pattern.length)");
        }
        return p;
    }

    /** A 1-based, possibly negative {@code init} as a 0-based offset from 0 to {@code length}. */
    private static int start(int init, int length) {
        if (init > 0) {
            return Math.min(init - 1, length);
        }
        return init < 0 ? Math.max(0, length + init) : 0;
    }

    private static boolean anchored(LuaString p) {
        return p.m_length > 0 && p.m_bytes[p.m_offset] == '^';
    }

    private static boolean plain(LuaString p) {
        for (int i = 0; i < p.m_length; i++) {
            if (SPECIALS.indexOf(p.m_bytes[p.m_offset + i]) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** {@code string.find(s, pattern [, init [, plain]])} and {@code string.match(s, pattern [, init])}. */
    private static final class Find extends VarArgFunction {
        private final boolean find;
        private final String function;

        Find(String name) {
            this.name = name;
            this.find = name.equals("find");
            this.function = "string." + name;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaString s = args.checkstring(1);
            LuaString p = pattern(args, function);
            int init = start(args.optint(3, 1), s.length());
            PatternMatcher m = new PatternMatcher(function, s, p, steps());
            if (find && (args.arg(4).toboolean() || plain(p))) {
                int at = m.plainIndexFrom(init);
                return at < 0 ? NIL : varargsOf(valueOf(at + 1), valueOf(at + p.length()));
            }
            boolean anchored = anchored(p);
            for (int at = init; at <= s.length(); at++) {
                int end = m.matchAt(at, anchored ? 1 : 0);
                if (end >= 0) {
                    return find ? varargsOf(valueOf(at + 1), valueOf(end), m.captures(false, at, end))
                            : m.captures(true, at, end);
                }
                if (anchored) {
                    break;
                }
            }
            return NIL;
        }
    }

    /** {@code string.gmatch(s, pattern)}: an iterator; each of its calls spends from the budget of the call it is in. */
    private static final class Gmatch extends VarArgFunction {
        Gmatch() {
            name = "gmatch";
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaString s = args.checkstring(1);
            LuaString p = pattern(args, "string.gmatch");
            return new Matches(new PatternMatcher("string.gmatch", s, p, steps()), s.length());
        }
    }

    private static final class Matches extends VarArgFunction {
        private final PatternMatcher matcher;
        private final int length;
        private int next;

        Matches(PatternMatcher matcher, int length) {
            this.matcher = matcher;
            this.length = length;
            name = "gmatch iterator";
        }

        @Override
        public Varargs invoke(Varargs args) {
            matcher.spendFrom(steps());
            for (int at = next; at <= length; at++) {
                int end = matcher.matchAt(at, 0);
                if (end >= 0) {
                    next = end > at ? end : end + 1;
                    return matcher.captures(true, at, end);
                }
            }
            next = length + 1;
            return NIL;
        }
    }

    /**
     * {@code string.gsub(s, pattern, repl [, n])}. The result is charged to the call's byte budget as it grows, and the
     * replacement string's expansion to its pattern steps; a function replacement runs under the call's budget.
     */
    private static final class Gsub extends VarArgFunction {
        Gsub() {
            name = "gsub";
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaString s = args.checkstring(1);
            LuaString p = pattern(args, "string.gsub");
            LuaValue repl = args.arg(3);
            int type = repl.type();
            if (type != TSTRING && type != TNUMBER && type != TTABLE && type != TFUNCTION) {
                argerror(3, "string/function/table expected");
            }
            int max = args.optint(4, s.length() + 1);
            PatternMatcher m = new PatternMatcher("string.gsub", s, p, steps());
            GsubOutput out = new GsubOutput(s.length());
            boolean anchored = anchored(p);
            int at = 0;
            int n = 0;
            while (n < max) {
                int end = m.matchAt(at, anchored ? 1 : 0);
                if (end >= 0) {
                    n++;
                    replace(out, m, s, at, end, repl);
                }
                if (end > at) {
                    at = end;
                } else if (at < s.length()) {
                    out.append(s.m_bytes, s.m_offset + at, 1);
                    at++;
                } else {
                    break;
                }
                if (anchored) {
                    break;
                }
            }
            out.append(s.m_bytes, s.m_offset + at, s.length() - at);
            return varargsOf(out.result(), valueOf(n));
        }

        private static void replace(GsubOutput out, PatternMatcher m, LuaString s, int start, int end, LuaValue repl) {
            LuaValue value;
            if (repl.isfunction()) {
                value = repl.invoke(m.captures(true, start, end)).arg1();
            } else if (repl.istable()) {
                value = repl.get(m.capture(0, start, end));
            } else {
                expand(out, m, repl.strvalue(), s, start, end);
                return;
            }
            if (!value.toboolean()) {
                out.append(s.m_bytes, s.m_offset + start, end - start);
            } else if (value.isstring()) {
                out.append(value.strvalue());
            } else {
                throw new LuaError("invalid replacement value (a " + value.typename() + ")");
            }
        }

        /**
         * A replacement string: {@code %0} the match, {@code %1}-{@code %9} captures, {@code %x} the byte x. Copying is
         * paid for by the byte budget; each escape costs a step too, since {@code %1} of an empty capture copies
         * nothing.
         */
        private static void expand(GsubOutput out, PatternMatcher m, LuaString r, LuaString s, int start, int end) {
            byte[] b = r.m_bytes;
            int o = r.m_offset;
            int run = 0;
            for (int i = 0; i < r.m_length; i++) {
                if (b[o + i] != '%') {
                    continue;
                }
                out.append(b, o + run, i - run);
                m.spend(1);
                if (++i == r.m_length) {
                    throw new LuaError("invalid use of '%' in replacement string");
                }
                int c = b[o + i];
                if (c == '0') {
                    out.append(s.m_bytes, s.m_offset + start, end - start);
                } else if (c >= '1' && c <= '9') {
                    out.append(m.capture(c - '1', start, end).strvalue());
                } else {
                    out.append(b, o + i, 1);
                }
                run = i + 1;
            }
            out.append(b, o + run, r.m_length - run);
        }
    }
}
