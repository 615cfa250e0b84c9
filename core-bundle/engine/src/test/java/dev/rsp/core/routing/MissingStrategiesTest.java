package dev.rsp.core.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The WARN lines for chain names without an installed strategy: when they come, what they say, how often. */
class MissingStrategiesTest {

    static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    static final long SETTLE = 2 * SECOND;

    final AtomicLong clock = new AtomicLong(1_000 * SECOND);
    final RoutingTable table = new RoutingTable(Runnable::run, clock::get);

    /** The WARN lines one call of warnMissing logs. */
    List<String> warnings(boolean settled) {
        String err = capturingStderr(() -> table.warnMissing(SETTLE, 2000, settled));
        return err.lines().filter(l -> l.contains("WARN")).toList();
    }

    static String capturingStderr(Runnable r) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    void advance(long nanos) {
        clock.addAndGet(nanos);
    }

    @Test
    void aTypoInTheChainIsLoggedOnceSettledThenOnceAMinute() {
        table.strategyAdded("host-hash", ChainGapTest.FIRST, 1, 0);
        table.strategyAdded("reload-path", ChainGapTest.PASS, 2, 0);
        table.chainChanged(List.of("reload-path", "hots-hash", "host-hash"));
        assertEquals(List.of(), warnings(true), "not before the settle time");

        advance(SETTLE);
        List<String> first = warnings(true);
        assertEquals(1, first.size(), first.toString());
        assertTrue(first.get(0).contains("routing.chain names 'hots-hash', but no strategy of that name is installed "
                + "(installed: host-hash, reload-path; did you mean 'host-hash'?); the requests it would route fall "
                + "through to host-hash"), first.get(0));

        advance(30 * SECOND);
        assertEquals(List.of(), warnings(true), "at most once a minute");
        advance(30 * SECOND);
        List<String> again = warnings(true);
        assertEquals(1, again.size(), again.toString());
        assertTrue(again.get(0).contains("routing.chain names 'hots-hash', which is still not installed (missing for 1 min)"),
                again.get(0));

        table.chainChanged(List.of("reload-path", "host-hash"));
        advance(2 * MissingStrategies.REPEAT_NANOS);
        assertEquals(List.of(), warnings(true), "fixed: nothing more");
    }

    @Test
    void aStrategyThatGoesAwaySaysWhereItsTrafficGoes() {
        table.strategyAdded("lua", ChainGapTest.PASS, 1, 0);
        table.strategyAdded("host-hash", ChainGapTest.FIRST, 2, 0);
        table.chainChanged(List.of("lua", "host-hash"));
        advance(10 * SETTLE);
        assertEquals(List.of(), warnings(true));

        table.strategyRemoved("lua", ChainGapTest.PASS, 1);
        advance(SETTLE);
        List<String> lua = warnings(true);
        assertEquals(1, lua.size(), lua.toString());
        assertTrue(lua.get(0).contains("routing strategy 'lua' of routing.chain [lua, host-hash] is gone (its bundle "
                + "stopped or was removed); the requests it would route fall through to host-hash (those none of them "
                + "routes wait timeout.grace.ms (2000 ms) and then get 503)"), lua.get(0));

        table.strategyRemoved("host-hash", ChainGapTest.FIRST, 2);
        advance(SETTLE);
        List<String> last = warnings(true);
        assertEquals(1, last.size(), last.toString());
        assertTrue(last.get(0).contains("routing strategy 'host-hash' of routing.chain [lua, host-hash] is gone (its "
                + "bundle stopped or was removed); no strategy of routing.chain is installed: every request will wait "
                + "timeout.grace.ms (2000 ms) and then get 503"), last.get(0));
    }

    @Test
    void anUpdateWithinTheSettleTimeAndTheStartOrStopSayNothing() {
        table.chainChanged(List.of("lua", "host-hash"));
        table.strategyAdded("host-hash", ChainGapTest.FIRST, 2, 0);
        advance(10 * SETTLE);
        assertEquals(List.of(), warnings(false), "the framework is still starting");
        table.strategyAdded("lua", ChainGapTest.PASS, 1, 0);
        advance(10 * SETTLE);
        assertEquals(List.of(), warnings(true));

        table.strategyRemoved("lua", ChainGapTest.PASS, 1);
        advance(SETTLE / 2);
        assertEquals(List.of(), warnings(true));
        table.strategyAdded("lua", ChainGapTest.PASS, 3, 0);
        advance(10 * SETTLE);
        assertEquals(List.of(), warnings(true), "an update (remove, add) is not reported");

        table.strategyRemoved("lua", ChainGapTest.PASS, 3);
        table.strategyRemoved("host-hash", ChainGapTest.FIRST, 2);
        advance(10 * SETTLE);
        assertEquals(List.of(), warnings(false), "rsp is stopping");
    }
}
