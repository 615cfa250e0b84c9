package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.rsp.core.http.HeadLimits;
import dev.rsp.core.http.RequestHeadParser;
import dev.rsp.core.net.BufferPool;
import dev.rsp.core.net.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The head parsers idle HTTP/1 connections give back to their loop: the next head reuses one, unless it was made with
 * head limits that a configuration change has replaced since.
 */
class SpareParsersTest {

    final EventLoop loop = new EventLoop("parsers-test", new BufferPool(4096, 4));
    final LoopContext ctx = new LoopContext(loop, null);
    final HeadLimits limits = new HeadLimits(1024, 8192, 100);

    @AfterEach
    void close() throws java.io.IOException {
        loop.selector().close();   // never started
    }

    @Test
    void anIdleConnectionsParserServesTheNextHead() {
        RequestHeadParser p = ctx.takeParser(limits);
        ctx.giveParser(p);
        assertSame(p, ctx.takeParser(new HeadLimits(1024, 8192, 100)));
        assertNotSame(p, ctx.takeParser(limits), "a parser serves one connection at a time");
    }

    @Test
    void aParserWithReplacedLimitsIsNotReused() {
        RequestHeadParser old = ctx.takeParser(limits);
        ctx.giveParser(old);
        HeadLimits changed = new HeadLimits(1024, 4096, 50);
        RequestHeadParser p = ctx.takeParser(changed);
        assertNotSame(old, p);
        assertEquals(changed, p.limits());
    }
}
