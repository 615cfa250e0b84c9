package dev.rsp.routing.lua;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * The Gogo command {@code rsp:luatest <script> <host> <path> [K=V ...]}: runs a rules script for one request and
 * prints the decision and any error, without traffic. A relative script path resolves like the {@code script}
 * setting; the backends are the names in {@code etc/rsp.backends.cfg}.
 */
@Component(service = LuaTestCommand.class, property = {"osgi.command.scope=rsp", "osgi.command.function=luatest"})
public final class LuaTestCommand {

    /** Runs the script; the text is what Gogo prints. */
    public String luatest(String script, String host, String path, String... headers) {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8);
        try {
            RuleTrial.Request request = new RuleTrial.Request("GET", host, path.startsWith("/") ? path : "/" + path, "",
                    RuleTrial.headers(Arrays.asList(headers)), null);
            String home = System.getProperty("rsp.home");
            List<String> backends = home == null ? List.of() : RuleTrial.configuredBackends(Paths.get(home));
            Path file = LuaRules.resolve(script);
            RuleTrial.run(file, request, backends, out);
        } catch (IllegalArgumentException e) {
            out.println("usage: rsp:luatest <script> <host> <path> [NAME=VALUE ...]: " + e.getMessage());
        }
        return text.toString(StandardCharsets.UTF_8).stripTrailing();
    }
}
