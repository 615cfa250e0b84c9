package dev.rsp.routing.lua;

/**
 * Thrown inside the Lua VM when a call spends more than its {@link Budget}. It is an {@link Error}, not an
 * exception, on purpose: LuaJ's {@code pcall}/{@code xpcall} catch exceptions only, so a script cannot catch its
 * budget running out and carry on. It unwinds to {@link ScriptState}, which turns it into a pass.
 */
final class BudgetExceeded extends Error {

    private static final long serialVersionUID = 1L;

    BudgetExceeded(String message) {
        super(message, null, false, false);
    }
}
