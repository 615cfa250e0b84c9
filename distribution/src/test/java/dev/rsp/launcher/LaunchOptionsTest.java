package dev.rsp.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaunchOptionsTest {

    @TempDir
    Path home;

    private File rspHome() throws Exception {
        Files.createDirectories(home.resolve("bundle"));
        Files.createDirectories(home.resolve("etc"));
        return home.toFile();
    }

    @Test
    void readsHomeAndShell() throws Exception {
        LaunchOptions o = LaunchOptions.parse("--home", rspHome().getPath(), "--shell");
        assertEquals(home.toFile().getAbsoluteFile(), o.home);
        assertTrue(o.shell);
        assertFalse(LaunchOptions.parse("--home", rspHome().getPath()).shell);
    }

    @Test
    void readsTakeOverOfThisHomeOrAnother() throws Exception {
        File h = rspHome();
        assertEquals(h.getAbsoluteFile(), LaunchOptions.parse("--home", h.getPath(), "--take-over").takeOverFrom);
        assertEquals(null, LaunchOptions.parse("--home", h.getPath()).takeOverFrom);
        Path previous = Files.createDirectories(home.resolve("previous/etc")).getParent();
        assertEquals(previous.toFile().getAbsoluteFile(),
                LaunchOptions.parse("--home", h.getPath(), "--take-over-from", previous.toString()).takeOverFrom);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LaunchOptions.parse("--home", h.getPath(), "--take-over-from", home.resolve("nothing").toString()));
        assertTrue(e.getMessage().endsWith("nothing is not an rsp home: it needs etc/"), e.getMessage());
    }

    @Test
    void rejectsUnknownOptionByName() throws Exception {
        String home = rspHome().getPath();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LaunchOptions.parse("--home", home, "--verbose"));
        assertEquals("unknown option '--verbose'", e.getMessage());
    }

    @Test
    void rejectsMissingOrWrongHome() {
        assertThrows(IllegalArgumentException.class, () -> LaunchOptions.parse());
        assertThrows(IllegalArgumentException.class, () -> LaunchOptions.parse("--home"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LaunchOptions.parse("--home", home.toString()));
        assertTrue(e.getMessage().contains("is not an rsp home"), e.getMessage());
    }

    @Test
    void javaVersionsAreReadInBothSpellings() {
        assertEquals(8, Main.javaFeatureVersion("1.8"));
        assertEquals(17, Main.javaFeatureVersion("17"));
        assertEquals(21, Main.javaFeatureVersion("21.0.1"));
        assertEquals(0, Main.javaFeatureVersion("unknown"));
    }

    @Test
    void homePropertiesExpandTheHome() throws Exception {
        Path file = home.resolve("x.properties");
        Files.writeString(file, "a=${rsp.home}/deploy,${rsp.home}/etc\nb = plain \n");
        var props = HomeProperties.read(file.toFile(), new File("/opt/rsp"));
        assertEquals("/opt/rsp/deploy,/opt/rsp/etc", props.get("a"));
        assertEquals("plain", props.get("b"));
        assertTrue(HomeProperties.read(home.resolve("missing").toFile(), new File("/opt/rsp")).isEmpty());
    }
}
