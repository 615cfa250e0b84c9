package dev.rsp.routing.lua;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Matches one Lua 5.2 pattern (reference manual, section 6.4.1) against one subject, written for rsp from the manual
 * so that every step is paid for: each pattern item tried at a subject position, each subject byte a repetition,
 * {@code %b} or back-reference scans, and each set item examined spends one step from the call's {@link
 * PatternSteps}. When they run out the call ends with {@link BudgetExceeded}, naming the function and the pattern, so
 * backtracking cannot keep a loop thread busy for longer than the budget allows.
 *
 * <p>Supported: {@code .}, {@code %a %c %d %g %l %p %s %u %w %x} and their complements ({@link CharClasses}), other
 * {@code %x} escapes, sets {@code [...]} with ranges, classes and {@code ^}, the quantifiers {@code * + - ?}, a final
 * {@code $}, captures and position captures {@code ()}, back-references {@code %1-%9}, {@code %bxy} and {@code
 * %f[set]}. A leading {@code ^} is the caller's business ({@link #matchAt} takes the pattern offset to start from).
 * A malformed pattern raises a {@link LuaError} with Lua's message; so do more than {@value PatternCaptures#MAX}
 * captures and patterns nesting deeper than {@value #MAX_DEPTH} (Lua's own limits).
 *
 * <p>One instance per library call (or per {@code gmatch} iterator), used by one thread; it holds the captures of the
 * last match. It never allocates while matching.
 */
final class PatternMatcher {

    /** How deep the matcher may recurse (one level per {@code ?}, repetition or capture being tried): Lua's limit. */
    static final int MAX_DEPTH = 200;

    private static final int SHOWN_PATTERN_BYTES = 40;

    private final String function;
    private final LuaString subject;
    private final LuaString pattern;
    private final byte[] s;
    private final int s0;
    private final int sLen;
    private final byte[] p;
    private final int p0;
    private final int pLen;
    private PatternSteps steps;
    private final PatternCaptures captures = new PatternCaptures();
    private int depth;

    /**
     * @param function how errors name the caller, e.g. {@code string.find}
     * @param steps    the budget to spend from
     */
    PatternMatcher(String function, LuaString subject, LuaString pattern, PatternSteps steps) {
        this.function = function;
        this.subject = subject;
        this.pattern = pattern;
        this.s = subject.m_bytes;
        this.s0 = subject.m_offset;
        this.sLen = subject.m_length;
        this.p = pattern.m_bytes;
        this.p0 = pattern.m_offset;
        this.pLen = pattern.m_length;
        this.steps = steps;
    }

    /** Spends from {@code steps} from now on: a gmatch iterator is called by later calls with budgets of their own. */
    void spendFrom(PatternSteps steps) {
        this.steps = steps;
    }

    /**
     * Where a match of the pattern from pattern offset {@code from} (1 to skip a leading {@code ^}) that starts at
     * subject offset {@code at} ends, or -1. Forgets the captures of the previous match.
     */
    int matchAt(int at, int from) {
        captures.clear();
        depth = 0;
        return match(at, from);
    }

    /** Where the pattern occurs as plain text at or after {@code from}, or -1 ({@code string.find} with plain). */
    int plainIndexFrom(int from) {
        int last = sLen - pLen;
        for (int i = from; i <= last; i++) {
            int k = 0;
            while (k < pLen && s[s0 + i + k] == p[p0 + k]) {
                k++;
            }
            spend(k + 1);
            if (k == pLen) {
                return i;
            }
        }
        return -1;
    }

    /** Spends {@code n} steps on work done for this pattern outside the matcher (a gsub replacement being expanded). */
    void spend(long n) {
        if (!steps.spend(n)) {
            throw new BudgetExceeded(function + ": pattern step budget of " + steps.limit() + " exceeded (pattern '"
                    + shown(pattern) + "' on a subject of " + sLen + " bytes)");
        }
    }

    /** Capture {@code i} (0-based) of the last match from {@code start} to {@code end}; capture 0 of none is the match. */
    LuaValue capture(int i, int start, int end) {
        return captures.value(subject, i, start, end);
    }

    /** The captures of the last match; when it has none, the whole match if {@code wholeIfNone}, else nothing. */
    Varargs captures(boolean wholeIfNone, int start, int end) {
        return captures.values(subject, wholeIfNone, start, end);
    }

    private int match(int si, int pi) {
        if (++depth > MAX_DEPTH) {
            throw new LuaError("pattern too complex");
        }
        int end = matchHere(si, pi);
        depth--;
        return end;
    }

    /** The matcher proper: items that cannot backtrack loop here; the others recurse through {@link #match}. */
    private int matchHere(int si, int pi) {
        while (true) {
            spend(1);
            if (pi == pLen) {
                return si;
            }
            int c = pat(pi);
            if (c == '(') {
                return pi + 1 < pLen && pat(pi + 1) == ')' ? open(si, pi + 2, PatternCaptures.POSITION)
                        : open(si, pi + 1, PatternCaptures.UNFINISHED);
            }
            if (c == ')') {
                return close(si, pi + 1);
            }
            if (c == '$' && pi + 1 == pLen) {
                return si == sLen ? si : -1;
            }
            if (c == '%' && pi + 1 < pLen) {
                int e = pat(pi + 1);
                if (e == 'b' || e == 'f' || (e >= '0' && e <= '9')) {
                    if (e == 'b') {
                        si = balanced(si, pi + 2);
                        pi += 4;
                    } else if (e == 'f') {
                        pi = frontier(si, pi + 2);
                    } else {
                        si = backReference(si, e - '1');
                        pi += 2;
                    }
                    if (si < 0 || pi < 0) {
                        return -1;
                    }
                    continue;
                }
            }
            int ep = itemEnd(pi);
            int quantifier = ep < pLen ? pat(ep) : -1;
            boolean one = si < sLen && single(sub(si), pi, ep);
            switch (quantifier) {
                case '?' -> {
                    if (one) {
                        int end = match(si + 1, ep + 1);
                        if (end >= 0) {
                            return end;
                        }
                    }
                    pi = ep + 1;
                }
                case '*' -> {
                    return longest(si, pi, ep);
                }
                case '+' -> {
                    return one ? longest(si + 1, pi, ep) : -1;
                }
                case '-' -> {
                    return shortest(si, pi, ep);
                }
                default -> {
                    if (!one) {
                        return -1;
                    }
                    si++;
                    pi = ep;
                }
            }
        }
    }

    /** As many repetitions of the item at {@code pi} as match, then fewer until the rest of the pattern matches. */
    private int longest(int si, int pi, int ep) {
        int n = 0;
        while (si + n < sLen && single(sub(si + n), pi, ep)) {
            n++;
        }
        spend(n);
        for (; n >= 0; n--) {
            int end = match(si + n, ep + 1);
            if (end >= 0) {
                return end;
            }
        }
        return -1;
    }

    /** As few repetitions of the item at {@code pi} as let the rest of the pattern match. */
    private int shortest(int si, int pi, int ep) {
        while (true) {
            int end = match(si, ep + 1);
            if (end >= 0) {
                return end;
            }
            if (si < sLen && single(sub(si), pi, ep)) {
                si++;
            } else {
                return -1;
            }
        }
    }

    private int open(int si, int pi, int kind) {
        captures.open(si, kind);
        int end = match(si, pi);
        if (end < 0) {
            captures.dropLast();
        }
        return end;
    }

    private int close(int si, int pi) {
        int l = captures.close(si);
        int end = match(si, pi);
        if (end < 0) {
            captures.reopen(l);
        }
        return end;
    }

    /** {@code %bxy} with {@code x} at {@code pi}: the end of the balanced run at {@code si}, or -1. */
    private int balanced(int si, int pi) {
        if (pi + 1 >= pLen) {
            throw new LuaError("malformed pattern (missing arguments to '%b')");
        }
        if (si >= sLen || sub(si) != pat(pi)) {
            return -1;
        }
        int open = pat(pi);
        int close = pat(pi + 1);
        int nesting = 1;
        for (int i = si + 1; i < sLen; i++) {
            int c = sub(i);
            if (c == close) {
                if (--nesting == 0) {
                    spend(i - si);
                    return i + 1;
                }
            } else if (c == open) {
                nesting++;
            }
        }
        spend(sLen - si);
        return -1;
    }

    /** {@code %f[set]} with the set at {@code pi}: the pattern offset after the set when at a frontier, else -1. */
    private int frontier(int si, int pi) {
        if (pi >= pLen || pat(pi) != '[') {
            throw new LuaError("missing '[' after '%f' in pattern");
        }
        int ep = itemEnd(pi);
        int before = si == 0 ? 0 : sub(si - 1);
        int here = si < sLen ? sub(si) : 0;
        return !inSet(before, pi, ep - 1) && inSet(here, pi, ep - 1) ? ep : -1;
    }

    /** {@code %1}-{@code %9} (capture {@code l}, 0-based): the end of a copy of that capture at {@code si}, or -1. */
    private int backReference(int si, int l) {
        int length = captures.referenced(l);
        if (length < 0 || sLen - si < length) {
            return -1;
        }
        spend(length);
        int from = captures.start(l);
        for (int k = 0; k < length; k++) {
            if (s[s0 + from + k] != s[s0 + si + k]) {
                return -1;
            }
        }
        return si + length;
    }

    /** The offset just after the single-character item at {@code pi} (a byte, {@code .}, {@code %x} or a set). */
    private int itemEnd(int pi) {
        int start = pi;
        int c = pat(pi++);
        if (c == '%') {
            if (pi >= pLen) {
                throw new LuaError("malformed pattern (ends with '%')");
            }
            return pi + 1;
        }
        if (c != '[') {
            return pi;
        }
        if (pi < pLen && pat(pi) == '^') {
            pi++;
        }
        // the first member is taken as it is, even ']'; an escape takes the byte after it
        do {
            if (pi >= pLen) {
                throw new LuaError("malformed pattern (missing ']')");
            }
            if (pat(pi++) == '%' && pi < pLen) {
                pi++;
            }
        } while (pi >= pLen || pat(pi) != ']');
        spend(pi - start);
        return pi + 1;
    }

    /** Whether byte {@code c} matches the single-character item from {@code pi} to {@code ep}. */
    private boolean single(int c, int pi, int ep) {
        int item = pat(pi);
        return switch (item) {
            case '.' -> true;
            case '%' -> CharClasses.matches(c, pat(pi + 1));
            case '[' -> inSet(c, pi, ep - 1);
            default -> item == c;
        };
    }

    /** Whether byte {@code c} is in the set from {@code pi} (its {@code [}) to {@code close} (its {@code ]}). */
    private boolean inSet(int c, int pi, int close) {
        spend(close - pi);
        boolean negated = pat(pi + 1) == '^';
        for (int i = negated ? pi + 2 : pi + 1; i < close; i++) {
            int m = pat(i);
            if (m == '%') {
                i++;
                if (CharClasses.matches(c, pat(i))) {
                    return !negated;
                }
            } else if (i + 2 < close && pat(i + 1) == '-') {
                if (m <= c && c <= pat(i + 2)) {
                    return !negated;
                }
                i += 2;
            } else if (m == c) {
                return !negated;
            }
        }
        return negated;
    }

    private int pat(int i) {
        return p[p0 + i] & 0xff;
    }

    private int sub(int i) {
        return s[s0 + i] & 0xff;
    }

    /** The start of a pattern for a log line: printable ASCII as it is, other bytes as {@code \ddd}. */
    static String shown(LuaString pattern) {
        StringBuilder b = new StringBuilder();
        int n = Math.min(pattern.m_length, SHOWN_PATTERN_BYTES);
        for (int i = 0; i < n; i++) {
            int c = pattern.m_bytes[pattern.m_offset + i] & 0xff;
            if (c >= 32 && c < 127 && c != '\\' && c != '\'') {
                b.append((char) c);
            } else {
                b.append('\\').append(c);
            }
        }
        return pattern.m_length > n ? b.append("...").toString() : b.toString();
    }
}
