package dev.rsp.routing.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * rsp's pattern functions against LuaJ 3.0.1's own, as an oracle: a fixed-seed corpus of generated patterns (valid
 * ones built from every kind of item, and random byte soup for the malformed ones) and subjects, through find (with
 * init and plain), match, gmatch and gsub (string, table and function replacements, with and without a limit). The
 * answers must be equal, and an error on one side must be an error on the other. The cases where rsp follows the Lua
 * 5.2 manual rather than LuaJ are left out here and tested in {@link PatternSemanticsTest}: {@code %g}, {@code %p}
 * (LuaJ leaves out {@code [\]^_`{|}~}), {@code %f}
 * (LuaJ 3.0.1 misses frontiers and fails with an ArrayIndexOutOfBoundsException at the start of a subject), a
 * back-reference to a position capture, and gmatch over empty matches (LuaJ loops forever on those).
 */
class PatternDifferentialTest {

    private static final LuaValue LUAJ_FIND;
    private static final LuaValue LUAJ_MATCH;
    private static final LuaValue LUAJ_GMATCH;
    private static final LuaValue LUAJ_GSUB;

    static {
        SharedLibraries.install();
        LuaValue saved = LuaString.s_metatable;
        Globals g = new Globals();
        LuaTable pkg = new LuaTable();
        pkg.set("loaded", new LuaTable());
        g.set("package", pkg);
        g.load(new StringLib());
        LuaString.s_metatable = saved;
        LuaValue string = g.get("string");
        LUAJ_FIND = string.get("find");
        LUAJ_MATCH = string.get("match");
        LUAJ_GMATCH = string.get("gmatch");
        LUAJ_GSUB = string.get("gsub");
    }

    private static final String SUBJECT_BYTES = "aabbcx1 2.(%)[]-_Z\t";
    private static final String[] ITEMS = {"a", "b", "x", ".", "%a", "%A", "%d", "%D", "%s", "%S", "%w", "%W", "%l",
        "%u", "%x", "%c", "%.", "%%", "%(", "%]", "%-", "[ab]", "[^a]", "[a-c]", "[%d.]", "[^%s]", "[]]", "[^]a]", "[a-]",
        "[%a_]", "-", " "};
    private static final String[] QUANTIFIERS = {"", "", "", "*", "+", "-", "?"};

    private final Random random = new Random(20261207L);
    private int compared;
    private int luajCrashed;

    @Test
    void answersAsLuajDoesOnAFixedCorpus() {
        for (int i = 0; i < 6000; i++) {
            String subject = subject();
            String pattern = i % 10 == 9 ? soup() : pattern();
            compareFindAndMatch(subject, pattern);
            compareGmatch(subject, pattern);
            compareGsub(subject, pattern);
        }
        assertTrue(compared > 20_000, "compared " + compared);
        assertTrue(luajCrashed < compared / 20, luajCrashed + " LuaJ crashes of " + compared);
    }

    @Test
    void theManualsExamplesAnswerAsLuajDoes() {
        String[][] cases = {
            {"hello world", "(%w+)"}, {"hello world from Lua", "(%w+)%s*(%w+)"}, {"abc", ""},
            {"x = 1, y = 22", "(%w+)%s*=%s*(%w+)"}, {"f(a(b)c) d", "%b()"}, {"hello", "()ll()"}, {"abcabc", "(abc)%1"},
            {"  trim me  ", "^%s*(.-)%s*$"}, {"key=value", "^(%w+)=(%w*)$"}, {"a.b.c", "%."}, {"[x]", "[]]"},
        };
        for (String[] c : cases) {
            compareFindAndMatch(c[0], c[1]);
            compareGsub(c[0], c[1]);
        }
    }

    private void compareFindAndMatch(String subject, String pattern) {
        LuaValue s = LuaValue.valueOf(subject);
        LuaValue p = LuaValue.valueOf(pattern);
        compare("find", PatternLibrary.FIND, LUAJ_FIND, LuaValue.varargsOf(s, p));
        compare("match", PatternLibrary.MATCH, LUAJ_MATCH, LuaValue.varargsOf(s, p));
        int init = random.nextInt(subject.length() + 6) - 3 - (random.nextBoolean() ? 0 : subject.length());
        compare("find init", PatternLibrary.FIND, LUAJ_FIND, LuaValue.varargsOf(s, p, LuaValue.valueOf(init)));
        compare("match init", PatternLibrary.MATCH, LUAJ_MATCH, LuaValue.varargsOf(s, p, LuaValue.valueOf(init)));
        compare("find plain", PatternLibrary.FIND, LUAJ_FIND,
                LuaValue.varargsOf(new LuaValue[] {s, p, LuaValue.valueOf(init), LuaValue.TRUE}));
        if (!pattern.isEmpty() && subject.length() > 2) {
            String inside = subject.substring(1, 1 + random.nextInt(subject.length() - 1));
            compare("find plain inside", PatternLibrary.FIND, LUAJ_FIND,
                    LuaValue.varargsOf(new LuaValue[] {s, LuaValue.valueOf(inside), LuaValue.ONE, LuaValue.TRUE}));
        }
    }

    /** LuaJ's gmatch never ends on an empty match and never tries the end of the subject; rsp does both as Lua does. */
    private void compareGmatch(String subject, String pattern) {
        LuaValue s = LuaValue.valueOf(subject);
        LuaValue p = LuaValue.valueOf(pattern);
        List<String> theirs = iterate(LUAJ_GMATCH, s, p);
        if (theirs == null) {
            return;
        }
        List<String> ours = iterate(PatternLibrary.GMATCH, s, p);
        assertTrue(ours != null, () -> "gmatch " + q(subject, pattern) + ": rsp did not end");
        if (ours.size() == theirs.size() + 1) {
            // rsp's extra is what matching at the end of the subject gives, as LuaJ's find says (in gmatch, ^ is a byte)
            String extra = ours.remove(ours.size() - 1);
            LuaValue literal = LuaValue.valueOf(pattern.startsWith("^") ? "%" + pattern : pattern);
            String atEnd;
            try {
                Varargs v = LUAJ_FIND.invoke(LuaValue.varargsOf(s, literal, LuaValue.valueOf(subject.length() + 1)));
                atEnd = v.arg1().isnil() ? "no match" : "a match";
            } catch (LuaError e) {
                atEnd = "error";
            } catch (RuntimeException crash) {
                luajCrashed++;
                return;
            }
            assertEquals(extra.equals("error") ? "error" : "a match", atEnd, () -> "gmatch " + q(subject, pattern) + ": " + extra);
        }
        assertEquals(theirs, ours, () -> "gmatch " + q(subject, pattern));
        compared++;
    }

    /** The results of up to 50 iterations, or null when there were more (LuaJ stuck on an empty match). */
    private static List<String> iterate(LuaValue gmatch, LuaValue s, LuaValue p) {
        List<String> out = new ArrayList<>();
        try {
            LuaValue it = gmatch.invoke(LuaValue.varargsOf(s, p)).arg1();
            for (int i = 0; i < 50; i++) {
                Varargs v = it.invoke(LuaValue.NONE);
                if (v.arg1().isnil()) {
                    return out;
                }
                out.add(show(v));
            }
            return null;
        } catch (LuaError e) {
            out.add("error");
            return out;
        } catch (RuntimeException crash) {
            return null;
        }
    }

    private void compareGsub(String subject, String pattern) {
        LuaValue s = LuaValue.valueOf(subject);
        LuaValue p = LuaValue.valueOf(pattern);
        LuaValue n = switch (random.nextInt(4)) {
            case 0 -> LuaValue.valueOf(random.nextInt(3));
            default -> LuaValue.NIL;
        };
        String[] strings = {"<%0>", "%1", "[%1|%2]", "%%", "x%.y", "", "-"};
        LuaValue repl = switch (random.nextInt(4)) {
            case 0 -> replacementTable();
            case 1 -> REPLACEMENT_FUNCTION;
            case 2 -> LuaValue.valueOf(7);
            default -> LuaValue.valueOf(strings[random.nextInt(strings.length)]);
        };
        compare("gsub", PatternLibrary.GSUB, LUAJ_GSUB, LuaValue.varargsOf(new LuaValue[] {s, p, repl, n}));
    }

    private static LuaValue replacementTable() {
        LuaTable t = new LuaTable();
        t.set("a", "A");
        t.set("b", LuaValue.FALSE);
        t.set("ab", 12);
        t.set(" ", "_");
        return t;
    }

    /** Joins its captures, or answers nil for the ones that start with b (keep the match). */
    private static final LuaValue REPLACEMENT_FUNCTION = new VarArgFunction() {
        @Override
        public Varargs invoke(Varargs args) {
            if (args.arg1().isstring() && args.arg1().tojstring().startsWith("b")) {
                return NIL;
            }
            StringBuilder b = new StringBuilder("{");
            for (int i = 1; i <= args.narg(); i++) {
                b.append(args.arg(i).tojstring()).append(';');
            }
            return valueOf(b.append('}').toString());
        }
    };

    private void compare(String what, LuaValue ours, LuaValue theirs, Varargs args) {
        String expected;
        try {
            expected = show(theirs.invoke(args));
        } catch (LuaError e) {
            expected = "error";
        } catch (RuntimeException crash) {
            luajCrashed++;
            return;
        }
        String actual;
        try {
            actual = show(ours.invoke(args));
        } catch (LuaError e) {
            actual = "error";
        }
        assertEquals(expected, actual, what + " " + args.tojstring() + " " + q(args.arg1().tojstring(), args.arg(2).tojstring()));
        compared++;
    }

    private static String show(Varargs v) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= v.narg(); i++) {
            b.append(v.arg(i).typename()).append(':').append(v.arg(i).tojstring()).append(' ');
        }
        return b.toString();
    }

    private static String q(String subject, String pattern) {
        return "subject '" + subject + "', pattern '" + pattern + "'";
    }

    private String subject() {
        int n = random.nextInt(16);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(SUBJECT_BYTES.charAt(random.nextInt(SUBJECT_BYTES.length())));
        }
        return b.toString();
    }

    /** A valid pattern: items with quantifiers, captures, %b, %f, back-references to closed text captures, anchors. */
    private String pattern() {
        StringBuilder b = new StringBuilder();
        if (random.nextInt(5) == 0) {
            b.append('^');
        }
        int items = 1 + random.nextInt(5);
        int closed = 0;
        int open = 0;
        for (int i = 0; i < items; i++) {
            switch (random.nextInt(12)) {
                case 0 -> {
                    b.append('(');
                    open++;
                }
                case 1 -> {
                    if (open > 0) {
                        b.append(')');
                        open--;
                        closed++;
                    }
                }
                case 2 -> b.append("()");
                case 3 -> b.append(random.nextBoolean() ? "%b()" : "%b[]");
                case 4 -> b.append(random.nextBoolean() ? "%z" : "%Z");
                case 5 -> {
                    if (closed > 0 && open == 0 && !b.toString().contains("()")) {
                        b.append('%').append(1 + random.nextInt(closed));
                    }
                }
                default -> b.append(ITEMS[random.nextInt(ITEMS.length)]).append(QUANTIFIERS[random.nextInt(QUANTIFIERS.length)]);
            }
        }
        while (open-- > 0) {
            b.append(')');
        }
        if (random.nextInt(5) == 0) {
            b.append('$');
        }
        return b.toString();
    }

    /** Random pattern bytes, mostly malformed; without %f and back-references (see the class comment). */
    private String soup() {
        String bytes = "ab.%[]()^$*+-?1fbz";
        StringBuilder b = new StringBuilder();
        int n = 1 + random.nextInt(8);
        for (int i = 0; i < n; i++) {
            char c = bytes.charAt(random.nextInt(bytes.length()));
            if ((Character.isDigit(c) || c == 'f') && b.length() > 0 && b.charAt(b.length() - 1) == '%') {
                c = 'a';
            }
            b.append(c);
        }
        return b.toString();
    }
}
