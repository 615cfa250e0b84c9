package dev.rsp.routing.lua;

/**
 * What one script call may spend. Checked by {@link BudgetHook} (and, for patterns, by {@link PatternMatcher});
 * exceeding any of them ends the call with {@link BudgetExceeded}.
 *
 * @param instructions  Lua VM instructions per call (the top level of a script at load counts as one call)
 * @param bytes         bytes of strings a call may create with {@code ..}, {@code string.rep}, {@code string.format},
 *                      {@code string.gsub} and {@code table.concat}, together; also the largest single such string
 * @param depth         nested Lua calls (including {@code pcall}), so a runaway recursion ends long before the
 *                      thread's stack does
 * @param patternSteps  steps of {@code string.find/match/gmatch/gsub} per call, together (about one per subject byte
 *                      examined per pattern item tried; backtracking multiplies them)
 * @param patternLength the longest pattern those functions accept (not a budget: a longer one is a script error)
 */
record Budget(long instructions, long bytes, int depth, long patternSteps, int patternLength) {

    static final long DEFAULT_INSTRUCTIONS = 100_000;
    static final long DEFAULT_BYTES = 1L << 20;
    static final int DEFAULT_DEPTH = 200;
    static final long DEFAULT_PATTERN_STEPS = 500_000;
    static final int DEFAULT_PATTERN_LENGTH = 1024;
    static final Budget DEFAULT = new Budget(DEFAULT_INSTRUCTIONS, DEFAULT_BYTES, DEFAULT_DEPTH);

    /** The default pattern limits with these. */
    Budget(long instructions, long bytes, int depth) {
        this(instructions, bytes, depth, DEFAULT_PATTERN_STEPS, DEFAULT_PATTERN_LENGTH);
    }

    /** The budget a configuration asks for (unchecked: see {@link #problem()}). */
    static Budget of(LuaConfig c) {
        return new Budget(c.budget_instructions(), c.budget_bytes(), c.budget_depth(), c.budget_pattern_steps(),
                c.budget_pattern_length());
    }

    /** Why these values cannot be used, or {@code null} when they can. */
    String problem() {
        if (instructions < 100 || instructions > 100_000_000) {
            return "budget.instructions must be 100 to 100000000, not " + instructions;
        }
        if (bytes < 1024 || bytes > (64L << 20)) {
            return "budget.bytes must be 1024 to 67108864, not " + bytes;
        }
        if (depth < 10 || depth > 1000) {
            return "budget.depth must be 10 to 1000, not " + depth;
        }
        if (patternSteps < 1000 || patternSteps > 1_000_000_000) {
            return "budget.pattern.steps must be 1000 to 1000000000, not " + patternSteps;
        }
        if (patternLength < 16 || patternLength > 65536) {
            return "budget.pattern.length must be 16 to 65536, not " + patternLength;
        }
        return null;
    }

    @Override
    public String toString() {
        return "budget.instructions = " + instructions + ", budget.bytes = " + bytes + ", budget.depth = " + depth
                + ", budget.pattern.steps = " + patternSteps + ", budget.pattern.length = " + patternLength;
    }
}
