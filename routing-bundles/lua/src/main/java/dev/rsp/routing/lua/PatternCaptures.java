package dev.rsp.routing.lua;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The captures of one {@link PatternMatcher}: where each starts in the subject and how long it is (or that it is
 * still open, or a position capture), as the matcher opens, closes and abandons them while it backtracks, and their
 * Lua values once a match is found. At most {@value #MAX} captures, Lua's limit.
 */
final class PatternCaptures {

    static final int MAX = 32;
    static final int UNFINISHED = -1;
    static final int POSITION = -2;

    private final int[] start = new int[MAX];
    private final int[] length = new int[MAX];
    private int level;

    void clear() {
        level = 0;
    }

    /** Opens a capture at subject offset {@code at}: {@link #UNFINISHED} until closed, or a {@link #POSITION}. */
    void open(int at, int kind) {
        if (level >= MAX) {
            throw new LuaError("too many captures");
        }
        start[level] = at;
        length[level] = kind;
        level++;
    }

    /** Forgets the capture opened last (its match failed). */
    void dropLast() {
        level--;
    }

    /** Closes the innermost open capture at subject offset {@code at}; returns its index for {@link #reopen}. */
    int close(int at) {
        int l = level - 1;
        while (l >= 0 && length[l] != UNFINISHED) {
            l--;
        }
        if (l < 0) {
            throw new LuaError("invalid pattern capture");
        }
        length[l] = at - start[l];
        return l;
    }

    /** Opens capture {@code l} again (the match after its close failed). */
    void reopen(int l) {
        length[l] = UNFINISHED;
    }

    /** Capture {@code l} (0-based) for a back-reference: its length, or -1 for a position capture. */
    int referenced(int l) {
        if (l < 0 || l >= level || length[l] == UNFINISHED) {
            throw new LuaError("invalid capture index %" + (l + 1));
        }
        return length[l] == POSITION ? -1 : length[l];
    }

    int start(int l) {
        return start[l];
    }

    /** Capture {@code i} (0-based) of a match from {@code from} to {@code to}; capture 0 of none is the match. */
    LuaValue value(LuaString subject, int i, int from, int to) {
        if (i >= level) {
            if (i == 0) {
                return subject.substring(from, to);
            }
            throw new LuaError("invalid capture index %" + (i + 1));
        }
        if (length[i] == UNFINISHED) {
            throw new LuaError("unfinished capture");
        }
        if (length[i] == POSITION) {
            return LuaValue.valueOf(start[i] + 1);
        }
        return subject.substring(start[i], start[i] + length[i]);
    }

    /** The captures of a match; when it has none, the whole match if {@code wholeIfNone}, else nothing. */
    Varargs values(LuaString subject, boolean wholeIfNone, int from, int to) {
        int n = level == 0 && wholeIfNone ? 1 : level;
        if (n == 0) {
            return LuaValue.NONE;
        }
        if (n == 1) {
            return value(subject, 0, from, to);
        }
        LuaValue[] values = new LuaValue[n];
        for (int i = 0; i < n; i++) {
            values[i] = value(subject, i, from, to);
        }
        return LuaValue.varargsOf(values);
    }
}
