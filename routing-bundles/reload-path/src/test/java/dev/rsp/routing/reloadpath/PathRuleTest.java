package dev.rsp.routing.reloadpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.routing.reloadpath.PathRule.Problem;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathRuleTest {

    @Test
    void theDefaultParses() {
        PathRule rule = valid(PathRule.DEFAULT_PATTERN, null);
        assertEquals(PathRule.DEFAULT.toString(), rule.toString());
        assertTrue(rule.appliesTo("GET"));
        assertTrue(rule.appliesTo("PURGE"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"^/reload/(?<domain>[^/]+)$", "(?i)^/api/v0/user/[^/]+/webapps/(?<domain>[^/]+)/RELOAD/?$",
            "(?x) ^ .* / (?<domain> [^/]+ ) /reload /? $  # trailing comment", "(?<domain>.*)"})
    void customPatternsWithTheGroupParse(String pattern) {
        assertEquals(pattern, valid(pattern, null).pattern().pattern());
    }

    @Test
    void aPatternThatDoesNotCompileIsRefusedWithTheReason() {
        Problem p = onlyProblem("^/(?<domain>[^/]+/reload$", null);
        assertEquals(PathRule.KEY_PATTERN, p.key());
        assertEquals("^/(?<domain>[^/]+/reload$", p.value());
        assertTrue(p.reason().startsWith("not a regular expression: Unclosed group near index"), p.reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"^/(?<host>[^/]+)/reload$", "^/([^/]+)/reload$", "^/[(?<domain>]+/reload$",
            "^/\\(?<domain>x\\)/reload$", "^/(?<domain>x)/\\Qreload"})
    void aPatternWithoutTheNamedGroupIsRefused(String pattern) {
        Problem p = onlyProblem(pattern, null);
        assertEquals(PathRule.KEY_PATTERN, p.key());
        assertEquals("no named group (?<domain>...)", p.reason());
    }

    @Test
    void aPatternLongerThanTheLimitIsRefused() {
        String atLimit = "^/(?<domain>[^/]+)/" + "a".repeat(PathRule.MAX_PATTERN_LENGTH - 20) + "$";
        assertEquals(PathRule.MAX_PATTERN_LENGTH, atLimit.length());
        valid(atLimit, null);
        Problem p = onlyProblem(atLimit + "x", null);
        assertEquals("longer than 512 characters (513)", p.reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void anEmptyPatternIsRefused(String pattern) {
        assertEquals("empty", onlyProblem(pattern, null).reason());
        assertEquals("empty", onlyProblem(null, null).reason());
    }

    @Test
    void methodsAreTokensInElementsOrCommaLists() {
        PathRule rule = valid(PathRule.DEFAULT_PATTERN, new String[] {"post, PUT", " purge ", ""});
        assertTrue(rule.appliesTo("POST"));
        assertTrue(rule.appliesTo("PUT"));
        assertTrue(rule.appliesTo("PURGE"));
        assertFalse(rule.appliesTo("GET"));
        assertFalse(rule.appliesTo("post"), "methods are case-sensitive on the wire");
        assertEquals("path.pattern = '^.*/(?<domain>[^/]+)/reload/?$', methods = [POST, PURGE, PUT]", rule.toString());
    }

    @Test
    void emptyMethodListsMeanEveryMethod() {
        assertTrue(valid(PathRule.DEFAULT_PATTERN, new String[] {"", " , "}).appliesTo("DELETE"));
        assertTrue(valid(PathRule.DEFAULT_PATTERN, new String[0]).appliesTo("DELETE"));
    }

    @Test
    void aBadMethodIsRefusedAndEveryProblemIsReported() {
        PathRule.Parsed parsed = PathRule.parse("(", new String[] {"POST", "GET /x"});
        List<Problem> problems = assertInstanceOf(PathRule.Invalid.class, parsed).problems();
        assertEquals(2, problems.size(), problems.toString());
        assertEquals(PathRule.KEY_PATTERN, problems.get(0).key());
        assertEquals(new Problem(PathRule.KEY_METHODS, "GET /x", "'GET /x' is not a method name"), problems.get(1));
    }

    private static PathRule valid(String pattern, String[] methods) {
        return assertInstanceOf(PathRule.Valid.class, PathRule.parse(pattern, methods)).rule();
    }

    private static Problem onlyProblem(String pattern, String[] methods) {
        List<Problem> problems = assertInstanceOf(PathRule.Invalid.class, PathRule.parse(pattern, methods)).problems();
        assertEquals(1, problems.size(), problems.toString());
        return problems.get(0);
    }
}
