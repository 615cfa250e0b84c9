package dev.rsp.routing.lua;

import java.util.Arrays;
import org.luaj.vm2.LuaString;

/**
 * The result of one {@code string.gsub} as it is built: every byte is charged to the byte budget of the call on this
 * thread before it is added, so a replacement that multiplies the subject ends at the budget, not at an
 * OutOfMemoryError. One per gsub call, on the calling thread.
 */
final class GsubOutput {

    private static final String WHAT = "string.gsub";

    private final BudgetHook hook = BudgetHook.current();
    private long bytesLeftOutsideACall = Budget.DEFAULT_BYTES;
    private byte[] bytes;
    private int length;

    GsubOutput(int subjectLength) {
        bytes = new byte[Math.max(16, Math.min(subjectLength, 4096))];
    }

    void append(byte[] from, int offset, int n) {
        if (n <= 0) {
            return;
        }
        charge(n);
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(length + n, bytes.length * 2));
        }
        System.arraycopy(from, offset, bytes, length, n);
        length += n;
    }

    void append(LuaString s) {
        append(s.m_bytes, s.m_offset, s.m_length);
    }

    LuaString result() {
        return LuaString.valueUsing(bytes, 0, length);
    }

    private void charge(int n) {
        if (hook != null) {
            hook.chargeBytes(WHAT, n);
        } else if ((bytesLeftOutsideACall -= n) < 0) {
            throw new BudgetExceeded(WHAT + ": byte budget of " + Budget.DEFAULT_BYTES + " exceeded");
        }
    }
}
