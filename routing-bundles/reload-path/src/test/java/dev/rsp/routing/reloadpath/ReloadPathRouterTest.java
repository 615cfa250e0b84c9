package dev.rsp.routing.reloadpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.RequestHead;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReloadPathRouterTest {

    private final ReloadPathRouter byDefault = new ReloadPathRouter(PathRule.DEFAULT);

    @ParameterizedTest
    @CsvSource({
            "/api/v0/user/fred/webapps/Fred.Example.com/reload, Fred.Example.com",
            "/api/v0/user/fred/webapps/Fred.Example.com/reload/, Fred.Example.com",
            "/fred.example.com/reload, fred.example.com",
            "//fred.example.com/reload, fred.example.com",
            "/a/b/c/d/e/f/g/h/i/j/fred.example.com./reload, fred.example.com.",
            "/reload/fred.example.com/reload, fred.example.com",
            "/a/Fred.example.com:80/reload, Fred.example.com:80",
    })
    void theDefaultRehostsToTheSegmentBeforeReload(String path, String domain) {
        assertEquals(Decision.rehost(domain), byDefault.select(TestHead.get(path)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/reload", "/api/v0/user/fred/webapps/Fred.Example.com", "/fred.example.com/reload//",
            "/fred.example.com/reloads", "/fred.example.com/Reload", "/fred.example.com/reload/x",
            "/fred.example.com//reload", "/admin/cache/reload", "/a/fred%2Eexample.com/reload", "/a/../reload",
            "/a/fred.example.com:/reload", "/a/cache:80/reload", "*"})
    void otherPathsPass(String path) {
        assertEquals(Decision.pass(), byDefault.select(TestHead.get(path)));
    }

    @Test
    void theHostOfTheRequestPlaysNoPart() {
        RequestHead head = new TestHead("POST", "/x/bob.example.org/reload", "fred.example.com");
        assertEquals(Decision.rehost("bob.example.org"), byDefault.select(head));
    }

    @Test
    void aMethodFilterPassesOtherMethods() {
        PathRule postOnly = assertInstanceOf(PathRule.Valid.class,
                PathRule.parse(PathRule.DEFAULT_PATTERN, new String[] {"POST"})).rule();
        ReloadPathRouter router = new ReloadPathRouter(postOnly);
        String path = "/api/v0/user/fred/webapps/Fred.Example.com/reload";
        assertEquals(Decision.rehost("Fred.Example.com"), router.select(new TestHead("POST", path, "a.example")));
        assertEquals(Decision.pass(), router.select(new TestHead("GET", path, "a.example")));
    }

    @Test
    void aCustomPatternDecidesWhatMatches() {
        ReloadPathRouter router = new ReloadPathRouter(rule("^/admin/(?<domain>[^/]+)/(?:reload|restart)$"));
        assertEquals(Decision.rehost("fred.example.com"), router.select(TestHead.get("/admin/fred.example.com/restart")));
        assertEquals(Decision.pass(), router.select(TestHead.get("/api/fred.example.com/reload")));
    }

    @Test
    void aDomainGroupThatDidNotTakePartPasses() {
        ReloadPathRouter router = new ReloadPathRouter(rule("^/(?:x|(?<domain>[^/]+))/reload$"));
        assertEquals(Decision.pass(), router.select(TestHead.get("/x/reload")));
        assertEquals(Decision.rehost("a.example"), router.select(TestHead.get("/a.example/reload")));
    }

    @Test
    void aPathIsMatchedWhole() {
        ReloadPathRouter router = new ReloadPathRouter(rule("/(?<domain>[^/]+)/reload"));
        assertEquals(Decision.pass(), router.select(TestHead.get("/x/a.example/reload/more")));
        assertEquals(Decision.rehost("a.example"), router.select(TestHead.get("/a.example/reload")));
    }

    @Test
    void longPathsAreMatchedWithoutOverflowingTheStackAndOverlongOnesPass() {
        String tail = "/fred.example.com/reload";
        String longest = "/a".repeat((ReloadPathRouter.MAX_PATH_LENGTH - tail.length()) / 2) + tail;
        assertEquals(ReloadPathRouter.MAX_PATH_LENGTH, longest.length());
        assertEquals(Decision.rehost("fred.example.com"), byDefault.select(TestHead.get(longest)));
        assertEquals(Decision.pass(), byDefault.select(TestHead.get("/a" + longest)));
    }

    @Test
    void selectIsSafeFromManyThreadsAtOnce() throws Exception {
        Random random = new Random(20240611L);
        List<RequestHead> heads = new ArrayList<>();
        List<Decision> expected = new ArrayList<>();
        String[] segments = {"api", "v0", "user", "fred", "webapps", "Fred.Example.com", "bob.example.org", "reload", ""};
        for (int i = 0; i < 2_000; i++) {
            StringBuilder path = new StringBuilder();
            int depth = 1 + random.nextInt(8);
            for (int d = 0; d < depth; d++) {
                path.append('/').append(segments[random.nextInt(segments.length)]);
            }
            RequestHead head = TestHead.get(path.toString());
            heads.add(head);
            expected.add(byDefault.select(head));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<List<Decision>>> tasks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                tasks.add(() -> {
                    List<Decision> got = new ArrayList<>(heads.size());
                    for (RequestHead head : heads) {
                        got.add(byDefault.select(head));
                    }
                    return got;
                });
            }
            for (Future<List<Decision>> f : pool.invokeAll(tasks)) {
                assertEquals(expected, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(expected.stream().anyMatch(d -> d instanceof Decision.Rehost), "the sample has matches");
    }

    private static PathRule rule(String pattern) {
        return assertInstanceOf(PathRule.Valid.class, PathRule.parse(pattern, null)).rule();
    }
}
