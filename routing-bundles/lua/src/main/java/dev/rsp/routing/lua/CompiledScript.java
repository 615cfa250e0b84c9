package dev.rsp.routing.lua;

import dev.rsp.spi.routing.Backends;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.compiler.LuaC;

/**
 * A rules script compiled from source (never from bytecode) together with the budget its calls run under.
 * Immutable, shared by every loop thread: each thread runs it in a {@link ScriptState} of its own.
 *
 * @param name   where the script came from, as errors name it ({@code name:line: message})
 * @param proto  the compiled main chunk
 * @param budget the budget of every call
 */
record CompiledScript(String name, Prototype proto, Budget budget) {

    /** The outcome of {@link #compile}. */
    sealed interface Outcome permits Compiled, Failed {
    }

    /** The script compiled, and its top level ran and defined {@code route}. */
    record Compiled(CompiledScript script) implements Outcome {
    }

    /** Why not, as {@code name:line: message} where a line is known. */
    record Failed(String message) implements Outcome {
    }

    /**
     * Compiles {@code source} and runs its top level once in a scratch state (under the budget, with no backends)
     * to check that it defines {@code route}. Call off the network threads.
     */
    static Outcome compile(String source, String name, Budget budget) {
        Prototype proto;
        try {
            proto = LuaC.instance.compile(new ByteArrayInputStream(source.getBytes(StandardCharsets.UTF_8)), "=" + name);
        } catch (LuaError e) {
            return new Failed(describe(e, name));
        } catch (IOException | RuntimeException e) {
            return new Failed(name + ": " + e);
        }
        CompiledScript script = new CompiledScript(name, proto, budget);
        ScriptState probe = new ScriptState(script, new Answers(new Backends(0, List.of())));
        if (probe.loadError() != null) {
            return new Failed(probe.loadError());
        }
        return new Compiled(script);
    }

    /**
     * An error as {@code name:line: message}. LuaJ writes compile errors that way already, and runtime errors as
     * {@code =name:line message}; budget errors carry no line.
     */
    static String describe(Throwable e, String name) {
        if (e instanceof BudgetExceeded) {
            return name + ": " + e.getMessage();
        }
        if (!(e instanceof LuaError)) {
            return name + ": " + e;
        }
        String m = String.valueOf(e.getMessage()).strip();
        if (m.startsWith("=")) {
            m = m.substring(1);
        }
        if (m.startsWith(name + ":")) {
            String rest = m.substring(name.length() + 1);
            int space = rest.indexOf(' ');
            if (space > 0 && rest.substring(0, space).chars().allMatch(Character::isDigit)) {
                return name + ":" + rest.substring(0, space) + ": " + rest.substring(space + 1);
            }
            return m;
        }
        return name + ": " + m;
    }
}
