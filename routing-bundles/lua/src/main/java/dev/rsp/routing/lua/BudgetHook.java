package dev.rsp.routing.lua;

import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;

/**
 * Enforces a {@link Budget} on one Lua state. LuaJ's interpreter calls its {@code Globals.debuglib} before every
 * instruction and around every call; this class takes that seat (it is never registered as the {@code debug}
 * library, so scripts cannot reach it) and only counts: no call-stack bookkeeping, no hook functions.
 *
 * <p>It also keeps the code and registers of the running Lua frames, so that an {@code OP_CONCAT} can be sized
 * before it runs: a doubling loop ({@code s = s .. s}) is stopped at the byte budget, not at an OutOfMemoryError.
 *
 * <p>One instance per Lua state, used by one thread at a time. {@link #current()} lets the shared string and table
 * libraries charge the state of the calling thread.
 */
final class BudgetHook extends DebugLib {

    private static final ThreadLocal<BudgetHook> CURRENT = new ThreadLocal<>();

    private Budget budget = Budget.DEFAULT;
    private long instructionsLeft;
    private long bytesLeft;
    private final PatternSteps patternSteps = new PatternSteps(Budget.DEFAULT_PATTERN_STEPS);
    private int[][] codes = new int[16][];
    private LuaValue[][] stacks = new LuaValue[16][];
    private int frames;
    /** The pc of the last instruction run by the called function itself (frame 1), for its line number. */
    private int topPc;
    private int[] code;
    private LuaValue[] stack;

    /** Starts a call on this thread with a fresh budget. */
    void begin(Budget b) {
        budget = b;
        instructionsLeft = b.instructions();
        bytesLeft = b.bytes();
        patternSteps.reset(b.patternSteps());
        frames = 0;
        topPc = 0;
        code = null;
        stack = null;
        CURRENT.set(this);
    }

    /** Ends the call started by {@link #begin}. */
    void end() {
        CURRENT.remove();
        for (int i = 0; i < frames; i++) {
            stacks[i] = null;
        }
        frames = 0;
        code = null;
        stack = null;
    }

    /** The hook of the call running on this thread, or {@code null} outside a call. */
    static BudgetHook current() {
        return CURRENT.get();
    }

    /** The byte budget of the call on this thread (the default when called outside one). */
    static long byteLimit() {
        BudgetHook h = CURRENT.get();
        return h == null ? Budget.DEFAULT_BYTES : h.budget.bytes();
    }

    /** The budget of the call in progress. */
    Budget budget() {
        return budget;
    }

    /** The pattern steps the call in progress may still take. */
    PatternSteps patternSteps() {
        return patternSteps;
    }

    /** Charges {@code bytes} of new string data made by {@code what} (named when the budget runs out). */
    void chargeBytes(String what, long bytes) {
        bytesLeft -= bytes;
        if (bytesLeft < 0) {
            throw new BudgetExceeded(what + ": byte budget of " + budget.bytes() + " exceeded");
        }
    }

    /** Charges {@code bytes} of new string data to the call on this thread. */
    static void charge(long bytes) {
        BudgetHook h = CURRENT.get();
        if (h != null) {
            h.spend(bytes);
        } else if (bytes > Budget.DEFAULT_BYTES) {
            throw new BudgetExceeded("string of " + bytes + " bytes exceeds the byte budget");
        }
    }

    /** The pc of the last instruction the called function itself ran (its {@code return}, after a call). */
    int topPc() {
        return topPc;
    }

    long instructionsUsed() {
        return budget.instructions() - instructionsLeft;
    }

    long patternStepsUsed() {
        return patternSteps.used();
    }

    private void spend(long bytes) {
        bytesLeft -= bytes;
        if (bytesLeft < 0) {
            throw new BudgetExceeded("byte budget of " + budget.bytes() + " exceeded");
        }
    }

    @Override
    public void onCall(LuaClosure c, Varargs varargs, LuaValue[] registers) {
        push(c.p.code, registers);
    }

    @Override
    public void onCall(LuaFunction f) {
        push(null, null);
    }

    private void push(int[] c, LuaValue[] registers) {
        if (frames >= budget.depth()) {
            throw new BudgetExceeded("call depth budget of " + budget.depth() + " exceeded");
        }
        if (frames == codes.length) {
            codes = java.util.Arrays.copyOf(codes, frames * 2);
            stacks = java.util.Arrays.copyOf(stacks, frames * 2);
        }
        codes[frames] = c;
        stacks[frames] = registers;
        frames++;
        code = c;
        stack = registers;
    }

    @Override
    public void onReturn() {
        if (frames > 0) {
            frames--;
            stacks[frames] = null;
        }
        if (frames > 0) {
            code = codes[frames - 1];
            stack = stacks[frames - 1];
        } else {
            code = null;
            stack = null;
        }
    }

    @Override
    public void onInstruction(int pc, Varargs v, int top) {
        if (--instructionsLeft < 0) {
            throw new BudgetExceeded("instruction budget of " + budget.instructions() + " exceeded");
        }
        if (frames == 1) {
            topPc = pc;
        }
        int[] c = code;
        if (c != null) {
            int i = c[pc];
            if ((i & 0x3f) == Lua.OP_CONCAT) {
                sizeConcat(i);
            }
        }
    }

    /** {@code R(A) := R(B) .. ... .. R(C)}: charges the result's size before LuaJ allocates it. */
    private void sizeConcat(int i) {
        int b = i >>> 23;
        int c = (i >> 14) & 0x1ff;
        long total = 0;
        for (int r = b; r <= c; r++) {
            LuaValue value = stack[r];
            total += value instanceof LuaString s ? s.length() : 32;
        }
        if (total > budget.bytes()) {
            throw new BudgetExceeded("a concatenation of " + total + " bytes exceeds the byte budget of " + budget.bytes());
        }
        spend(total);
    }

    /** Error messages get no traceback: they are logged as {@code file:line: message}. */
    @Override
    public String traceback(int level) {
        return "";
    }
}
