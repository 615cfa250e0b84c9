package dev.rsp.routing.lua;

/**
 * What one script call may spend. Checked by {@link BudgetHook}; exceeding any of them ends the call with
 * {@link BudgetExceeded}.
 *
 * @param instructions Lua VM instructions per call (the top level of a script at load counts as one call)
 * @param bytes        bytes of strings a call may create with {@code ..}, {@code string.rep}, {@code string.format},
 *                     {@code string.gsub} and {@code table.concat}, together; also the largest single such string
 * @param depth        nested Lua calls (including {@code pcall}), so a runaway recursion ends long before the
 *                     thread's stack does
 */
record Budget(long instructions, long bytes, int depth) {

    static final long DEFAULT_INSTRUCTIONS = 100_000;
    static final long DEFAULT_BYTES = 1L << 20;
    static final int DEFAULT_DEPTH = 200;
    static final Budget DEFAULT = new Budget(DEFAULT_INSTRUCTIONS, DEFAULT_BYTES, DEFAULT_DEPTH);

    /** Why these values cannot be used, or {@code null} when they can. */
    static String problem(long instructions, long bytes, int depth) {
        if (instructions < 100 || instructions > 100_000_000) {
            return "budget.instructions must be 100 to 100000000, not " + instructions;
        }
        if (bytes < 1024 || bytes > (64L << 20)) {
            return "budget.bytes must be 1024 to 67108864, not " + bytes;
        }
        if (depth < 10 || depth > 1000) {
            return "budget.depth must be 10 to 1000, not " + depth;
        }
        return null;
    }

    @Override
    public String toString() {
        return "budget.instructions = " + instructions + ", budget.bytes = " + bytes + ", budget.depth = " + depth;
    }
}
