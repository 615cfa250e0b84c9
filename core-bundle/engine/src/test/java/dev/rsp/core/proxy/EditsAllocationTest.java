package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.edge.HeaderRules;
import dev.rsp.core.http.HeadLimits;
import dev.rsp.core.http.ParseStatus;
import dev.rsp.core.http.ResponseHeadParser;
import dev.rsp.spi.routing.Backend;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What header rules, Location rewriting and HSTS cost a response no rule matches, whose Location names another host
 * and that carries its own Strict-Transport-Security: preparing the edits and writing the head allocate nothing
 * (measured with the JVM's per-thread allocation counter over many heads, so that one object per head would show as
 * hundreds of kilobytes).
 */
class EditsAllocationTest {

    @Test
    void aResponseNoRuleMatchesAllocatesNothing() throws Exception {
        try (ProxyHarness proxy = new ProxyHarness(Map.of("hsts", "max-age=60", "hsts.hosts", "www.example.com"))) {
            ProxyEngine engine = proxy.engine;
            engine.headerRules(((HeaderRules.Valid) HeaderRules.read(Map.of("rule.a.hosts", "*.other.example",
                    "rule.a.response.set.X-A", "1", "rule.b.hosts", "www.example.com", "rule.b.backends", "b",
                    "rule.b.response.remove", "Server"))).rules());
            ByteBuffer src = ByteBuffer.wrap(("HTTP/1.1 302 Found\r\nServer: s\r\nLocation: http://elsewhere.example:8080/x\r\n"
                    + "Refresh: 1\r\nStrict-Transport-Security: max-age=1\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            ResponseHeadParser parser = new ResponseHeadParser(HeadLimits.DEFAULT);
            assertEquals(ParseStatus.DONE, parser.parse(src));
            Backend backend = new Backend("a", "127.0.0.1", 8080, 1);
            ResponseEdits scratch = new ResponseEdits(engine.counters());
            ByteBuffer out = ByteBuffer.allocate(4096);
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long thread = Thread.currentThread().getId();
            int heads = 20_000;
            for (int i = 0; i < heads; i++) {
                write(engine, scratch, backend, src, parser, out);
            }
            long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < heads; i++) {
                write(engine, scratch, backend, src, parser, out);
            }
            long allocated = threads.getThreadAllocatedBytes(thread) - before;
            assertTrue(allocated < 10_000, allocated + " bytes for " + heads + " heads");
            String written = StandardCharsets.ISO_8859_1.decode(out).toString();
            assertTrue(written.contains("\r\nServer: s\r\nLocation: http://elsewhere.example:8080/x\r\n"), written);
        }
    }

    private static void write(ProxyEngine engine, ResponseEdits scratch, Backend backend, ByteBuffer src,
            ResponseHeadParser parser, ByteBuffer out) {
        ResponseEdits edits = scratch.prepare(engine, true, "www.example.com", "www.example.com", backend, src, parser.head());
        HeadWriter.response(src, parser.head(), HeadWriter.ClientConnection.KEEP_ALIVE_11, edits, out);
    }
}
