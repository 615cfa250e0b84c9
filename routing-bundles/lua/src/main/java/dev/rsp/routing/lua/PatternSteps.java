package dev.rsp.routing.lua;

/**
 * The pattern-matching steps one script call may still take ({@link Budget#patternSteps()}), shared by every
 * {@code string.find/match/gmatch/gsub} of the call, nested ones included (a gsub replacement function that calls
 * {@code string.find} spends from the same count). Owned by the call's {@link BudgetHook}; one thread at a time.
 */
final class PatternSteps {

    private long limit;
    private long left;

    PatternSteps(long limit) {
        reset(limit);
    }

    /** Starts a call with {@code limit} steps. */
    void reset(long limit) {
        this.limit = limit;
        this.left = limit;
    }

    /**
     * Spends {@code n} steps.
     *
     * @return false when the budget is used up (the caller ends the call with {@link BudgetExceeded}, naming its
     *         pattern)
     */
    boolean spend(long n) {
        left -= n;
        return left >= 0;
    }

    long limit() {
        return limit;
    }

    long used() {
        return Math.min(limit, limit - left);
    }
}
