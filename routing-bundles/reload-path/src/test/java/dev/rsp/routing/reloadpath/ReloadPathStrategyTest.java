package dev.rsp.routing.reloadpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.Router;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The component as Declarative Services drives it: configurations in, routers out, errors in the log. */
class ReloadPathStrategyTest {

    private static final Backends BACKENDS = new Backends(1, List.of(new Backend("b1", "127.0.0.1", 9101, 1)));
    private static final String EXAMPLE = "/api/v0/user/fred/webapps/Fred.Example.com/reload";

    private final ReloadPathStrategy strategy = new ReloadPathStrategy();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private PrintStream stderr;

    /** slf4j-simple writes to whatever System.err is at the time of each line. */
    @BeforeEach
    void captureLog() {
        stderr = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreLog() {
        System.setErr(stderr);
    }

    @Test
    void withoutConfigurationTheDefaultRuleRoutesTheIssuesExample() {
        Router router = strategy.build(BACKENDS);
        assertEquals(Decision.rehost("Fred.Example.com"), router.select(TestHead.get(EXAMPLE)));
        assertEquals(Decision.pass(), router.select(TestHead.get("/index.html")));
    }

    @Test
    void anAcceptedConfigurationIsUsedByTheNextBuild() {
        Router before = strategy.build(BACKENDS);
        assertTrue(strategy.configure("^/admin/(?<domain>[^/]+)/reload$", new String[] {"POST"}));
        Router after = strategy.build(BACKENDS);
        assertEquals(Decision.rehost("Fred.Example.com"), before.select(TestHead.get(EXAMPLE)), "built routers keep their rule");
        assertEquals(Decision.pass(), after.select(TestHead.get(EXAMPLE)));
        assertEquals(Decision.rehost("a.example"), after.select(new TestHead("POST", "/admin/a.example/reload", "x.example")));
        assertTrue(logText().contains("INFO dev.rsp.routing.reloadpath.ReloadPathStrategy - rsp.routing.reloadpath: "
                + "path.pattern = '^/admin/(?<domain>[^/]+)/reload$', methods = [POST] in force"), logText());
    }

    @Test
    void aBadPatternIsLoggedAndTheLastGoodRuleStays() {
        assertTrue(strategy.configure("^/admin/(?<domain>[^/]+)/reload$", null));
        PathRule good = strategy.rule();

        assertFalse(strategy.configure("^/admin/(?<domain>[^/]+/reload$", null));
        assertFalse(strategy.configure("^/admin/([^/]+)/reload$", null));
        assertFalse(strategy.configure("x".repeat(600), null));
        assertFalse(strategy.configure("^/admin/(?<domain>[^/]+)/reload$", new String[] {"GET /"}));

        assertSame(good, strategy.rule());
        Router router = strategy.build(BACKENDS);
        assertEquals(Decision.rehost("a.example"), router.select(TestHead.get("/admin/a.example/reload")));
        String text = logText();
        String keeping = "; keeping path.pattern = '^/admin/(?<domain>[^/]+)/reload$', methods = any";
        assertTrue(text.contains("ERROR dev.rsp.routing.reloadpath.ReloadPathStrategy - rsp.routing.reloadpath: "
                + "path.pattern = '^/admin/(?<domain>[^/]+/reload$' rejected: not a regular expression: Unclosed group "
                + "near index 31" + keeping), text);
        assertTrue(text.contains("rsp.routing.reloadpath: path.pattern = '^/admin/([^/]+)/reload$' rejected: "
                + "no named group (?<domain>...)" + keeping), text);
        assertTrue(text.contains("rejected: longer than 512 characters (600)" + keeping), text);
        assertTrue(text.contains("rsp.routing.reloadpath: methods = 'GET /' rejected: 'GET /' is not a method name"
                + keeping), text);
    }

    @Test
    void aBadFirstConfigurationLeavesTheDefaultInForce() {
        assertFalse(strategy.configure("(", null));
        assertSame(PathRule.DEFAULT, strategy.rule());
        assertEquals(Decision.rehost("Fred.Example.com"), strategy.build(BACKENDS).select(TestHead.get(EXAMPLE)));
    }

    @Test
    void aDeletedConfigurationBringsBackTheDefault() {
        assertTrue(strategy.configure("^/admin/(?<domain>[^/]+)/reload$", null));
        assertTrue(strategy.configure(PathRule.DEFAULT_PATTERN, new String[0]));
        assertEquals(Decision.rehost("Fred.Example.com"), strategy.build(BACKENDS).select(TestHead.get(EXAMPLE)));
    }

    @Test
    void theRouterDoesNotDependOnTheBackends() {
        Router none = strategy.build(new Backends(7, List.of()));
        assertEquals(Decision.rehost("Fred.Example.com"), none.select(TestHead.get(EXAMPLE)));
    }

    private String logText() {
        return log.toString(StandardCharsets.UTF_8);
    }
}
