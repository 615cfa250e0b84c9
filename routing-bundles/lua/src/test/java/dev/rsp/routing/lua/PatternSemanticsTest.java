package dev.rsp.routing.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rsp.spi.routing.Decision;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What rules see of {@code string.find/match/gmatch/gsub}, run in the sandbox: the Lua 5.2 manual's examples, each
 * pattern feature, and the cases where rsp follows the manual rather than LuaJ 3.0.1 (see {@link PatternLibrary}).
 */
class PatternSemanticsTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                // the manual's examples (section 6.4.1 and string.gsub)
                Arguments.of("string.gsub('hello world', '(%w+)', '%1 %1')", "hello hello world world,2"),
                Arguments.of("string.gsub('hello world', '%w+', '%0 %0', 1)", "hello hello world,1"),
                Arguments.of("string.gsub('hello world from Lua', '(%w+)%s*(%w+)', '%2 %1')", "world hello Lua from,2"),
                Arguments.of("string.gsub('home = /home/rsp, user = rsp', '%w+', {home = '/h', user = false})",
                        "/h = //h/rsp, user = rsp,5"),
                Arguments.of("string.gsub('$name-$version.tar.gz', '%$(%w+)', {name = 'lua', version = '5.2'})",
                        "lua-5.2.tar.gz,2"),
                Arguments.of("string.gsub('4+5 = $return 4+5$', '%$(.-)%$', function(s) return s:upper() end)",
                        "4+5 = RETURN 4+5,1"),
                Arguments.of("string.gsub('abc', '', '-')", "-a-b-c-,4"),
                Arguments.of("string.gsub('THE (quick) fox', '%f[%a]%a+', 'X')", "X (X) X,3"),
                Arguments.of("string.find('hello Lua user', 'Lua')", "7,9"),
                Arguments.of("string.find('hello Lua user', 'banana')", "nil"),
                Arguments.of("string.find('hello Lua user', 'l+')", "3,4"),
                Arguments.of("string.find('hello Lua user', 'Lua', 1, true)", "7,9"),
                Arguments.of("string.find('a.b', '.', 2, true)", "2,2"),
                Arguments.of("string.match('hello 2026 world', '%d+')", "2026"),
                Arguments.of("string.match('key = value', '(%w+)%s*=%s*(%w+)')", "key,value"),
                Arguments.of("string.match('hello', '()ll()')", "3,5"),
                Arguments.of("string.match('f(a(b)c) d', '%b()')", "(a(b)c)"),
                Arguments.of("string.match('[[x]] y', '%b[]')", "[[x]]"),
                Arguments.of("string.match('abcabc', '(abc)%1')", "abc"),
                Arguments.of("string.match('  trim me  ', '^%s*(.-)%s*$')", "trim me"),
                // init: positive, negative, zero, past the end (as LuaJ and Lua 5.2: the end)
                Arguments.of("string.find('abcabc', 'b', 3)", "5,5"),
                Arguments.of("string.find('abcabc', 'b', -2)", "5,5"),
                Arguments.of("string.find('abcabc', 'b', -100)", "2,2"),
                Arguments.of("string.find('abc', 'a', 0)", "1,1"),
                Arguments.of("string.find('abc', '', 10)", "4,3"),
                Arguments.of("string.match('abc', '^b', 2)", "b"),
                // classes, sets, quantifiers
                Arguments.of("string.match('x: \\t 42;', '%s+(%d+)(%p)')", "42,;"),
                Arguments.of("string.match('abC-12_x', '[%u%d_]+')", "C"),
                Arguments.of("string.match('a]b', '[]]')", "]"),
                Arguments.of("string.match('a-b', '[a-]+')", "a-"),
                Arguments.of("string.match('zzz', '[^%l]')", "nil"),
                Arguments.of("string.match('aaa', 'a-b')", "nil"),
                Arguments.of("string.match('<a><b>', '<(.-)>')", "a"),
                Arguments.of("string.match('<a><b>', '<(.*)>')", "a><b"),
                Arguments.of("string.match('color colour', 'colou?r', 2)", "colour"),
                Arguments.of("string.match('end', 'd$')", "d"),
                Arguments.of("string.match('a$b', '$b')", "$b"),
                Arguments.of("string.match('a^b', 'a^b')", "a^b"),
                // rsp follows the manual (C locale: ASCII classes) where LuaJ does not: %g, %p, %s with \v, %a on
                // bytes above 127, gmatch over empty matches and at the end, back-references to position captures
                Arguments.of("string.match(' \\1visible~ ', '%g+')", "visible~"),
                Arguments.of("string.match('a b', '%G')", " "),
                Arguments.of("string.gsub('a[\\\\]^_`{|}~!/:@b', '%p', '.')", "a..............b,14"),
                Arguments.of("string.gsub('a\\v\\t\\r\\n\\f b', '%s', '.')", "a......b,6"),
                Arguments.of("select(2, string.gsub('caf\\195\\169 \\233t\\233', '%a', ''))", "4"),
                Arguments.of("count(('abc'):gmatch('x*'))", "4"),
                Arguments.of("count(('hello world'):gmatch('%a*'))", "4"),
                Arguments.of("join(('one two  three'):gmatch('%a+'))", "one|two|three"),
                Arguments.of("join(('k1=v1, k2=v2'):gmatch('(%w+)=(%w+)'))", "k1|k2"),
                Arguments.of("join(('^a^b'):gmatch('^.'))", "^a|^b"),
                Arguments.of("string.match('ab', '()a%1')", "nil"),
                // gsub: replacement kinds, limits, escapes
                Arguments.of("string.gsub('a.b.c', '%.', '%%')", "a%b%c,2"),
                Arguments.of("string.gsub('a.b.c', '%.', '%-')", "a-b-c,2"),
                Arguments.of("string.gsub('abc', 'b', 5)", "a5c,1"),
                Arguments.of("string.gsub('abc', '%w', '%0%0', 2)", "aabbc,2"),
                Arguments.of("string.gsub('abc', '%w', 'x', 0)", "abc,0"),
                Arguments.of("string.gsub('abc', '^%w', 'x')", "xbc,1"),
                Arguments.of("string.gsub('hello', '()l', '%1')", "he34o,2"),
                Arguments.of("string.gsub('a b', '%w', function() return nil end)", "a b,2"),
                Arguments.of("string.gsub('a b', '%w', function(c) return c == 'a' and 1 or false end)", "1 b,2"),
                Arguments.of("(('demo-1'):gsub('%d$', backends[3]:sub(-1)))", "demo-3"),
                // errors are ordinary errors a script may catch
                Arguments.of("pcall(string.find, 'a', '[a')", "false,malformed pattern (missing ']')"),
                Arguments.of("pcall(string.find, 'a', 'a%')", "false,malformed pattern (ends with '%')"),
                Arguments.of("pcall(string.match, 'a', '%b(')", "false,malformed pattern (missing arguments to '%b')"),
                Arguments.of("pcall(string.match, 'a', '%fa')", "false,missing '[' after '%f' in pattern"),
                Arguments.of("pcall(string.match, 'a', '(a')", "false,unfinished capture"),
                Arguments.of("pcall(string.match, 'a', 'a)')", "false,invalid pattern capture"),
                Arguments.of("pcall(string.match, 'aa', '(a)%2')", "false,invalid capture index %2"),
                Arguments.of("pcall(string.gsub, 'a', 'a', '%2')", "false,invalid capture index %2"),
                Arguments.of("pcall(string.gsub, 'a', 'a', 'x%')", "false,invalid use of '%' in replacement string"),
                Arguments.of("pcall(string.gsub, 'a', 'a', {a = {}})", "false,invalid replacement value (a table)"),
                Arguments.of("pcall(string.gsub, 'a', 'z', true)", "false,bad argument #3: string/function/table expected"),
                Arguments.of("pcall(string.match, 'a', string.rep('(', 33))", "false,too many captures"),
                Arguments.of("pcall(string.match, string.rep('a', 300), string.rep('a?', 300))", "false,pattern too complex"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersAsTheManualSays(String expression, String expected) {
        assertEquals(expected, eval(expression));
    }

    /** Runs {@code expression} in a route call and answers its values joined with commas. */
    static String eval(String expression) {
        String script = """
                local function show(...)
                  local t = {}
                  for i = 1, select('#', ...) do t[#t + 1] = tostring((select(i, ...))) end
                  return table.concat(t, ',')
                end
                local function count(it) local n = 0 for _ in it do n = n + 1 end return n end
                local function join(it) local t = {} for w in it do t[#t + 1] = w end return table.concat(t, '|') end
                function route(req) return '=' .. show(%s) end
                """.formatted(expression);
        ScriptState state = new ScriptState(Scripts.compile(script, Budget.DEFAULT), new Answers(Scripts.DEMO));
        RuleErrors errors = new RuleErrors();
        Decision d = state.call(TestHead.get("a.example", "/"), errors);
        if (errors.total() > 0) {
            return "failed: " + errors.last();
        }
        String answer = ((Decision.Route) d).backends().get(0);
        return answer.substring(1);
    }
}
