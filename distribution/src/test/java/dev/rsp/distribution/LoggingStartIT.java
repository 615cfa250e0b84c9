package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/rsp configures logging from the user's etc/logback.xml before any rsp line is logged, although logback now reads
 * it on a thread of its own while the framework starts (dev.rsp.launcher.LoggingStart) and SLF4J finds logback without
 * SPI Fly: every line follows the file's pattern and levels from the first one, SLF4J says nothing of its own, and a
 * broken file is reported with the line it breaks on while rsp still starts and proxies.
 */
class LoggingStartIT {

    @TempDir
    Path tmp;

    @Test
    void theUsersPatternAndLevelsApplyFromTheFirstLine() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        Path xml = home.etc().resolve("logback.xml");
        String shipped = Files.readString(xml);
        String edited = shipped.replace("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n", "EDITED %level %logger - %msg%n")
                .replace("<logger name=\"dev.rsp\" level=\"INFO\"/>",
                        "<logger name=\"dev.rsp\" level=\"INFO\"/>\n  <logger name=\"dev.rsp.routing\" level=\"WARN\"/>");
        assertFalse(edited.equals(shipped), "the shipped logback.xml changed: update this test");
        Files.writeString(xml, edited);
        Path log = tmp.resolve("rsp.log");
        Process rsp = home.start(log);
        try {
            Waits.until("a proxied answer", () -> answers(home), log);
            Waits.logLine(log, "EDITED INFO dev.rsp.demo.DemoBackends - demo backend demo-1 listening", 1);
            String out = Files.readString(log, StandardCharsets.UTF_8);
            // the strategies' INFO lines at bundle start ("rules.lua loaded", "path.pattern = ...") come before the
            // core's: with dev.rsp.routing at WARN none of them may get through
            assertFalse(out.contains("rsp.routing.lua: ") || out.contains("rsp.routing.reloadpath: "), out);
            assertTrue(out.contains("EDITED INFO dev.rsp.core.CoreComponent - rsp core started"), out);
            for (String line : out.split("\n")) {
                assertFalse(line.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*"), "a line in the shipped pattern: " + line);
            }
            assertFalse(out.contains("SLF4J"), out);
            assertFalse(out.contains("spifly"), out);
        } finally {
            RspHome.stop(rsp);
        }
    }

    @Test
    void aBrokenFileIsReportedWithItsLineAndRspStillProxies() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        Path xml = home.etc().resolve("logback.xml");
        String broken = Files.readString(xml).replace("<logger name=\"dev.rsp\" level=\"INFO\"/>", "<logger name=\"dev.rsp\" level=\"INFO\">");
        Files.writeString(xml, broken);
        int line = lineOf(broken, "</configuration>");
        Path log = tmp.resolve("rsp.log");
        Process rsp = home.start(log);
        try {
            Waits.until("a proxied answer", () -> answers(home), log);
            Waits.logLine(log, "rsp: framework started", 1);
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(out.contains("ERROR in ch.qos.logback.core.joran.event.SaxEventRecorder"), out);
            assertTrue(out.contains("lineNumber: " + line + "; columnNumber: 3; The element type \"logger\" must be "
                    + "terminated by the matching end-tag \"</logger>\"."), out);
            assertTrue(out.indexOf("lineNumber: " + line) < out.indexOf("rsp: framework started"), out);
        } finally {
            RspHome.stop(rsp);
        }
    }

    private static boolean answers(RspHome home) {
        try {
            return RawHttp.get(home.httpPort, "alice.example.com", "/").startsWith("HTTP/1.1 200 ");
        } catch (IOException notYet) {
            return false;
        }
    }

    private static int lineOf(String text, String what) {
        String before = text.substring(0, text.indexOf(what));
        return (int) before.chars().filter(c -> c == '\n').count() + 1;
    }
}
