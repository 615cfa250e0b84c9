package dev.rsp.bench.jmh;

import dev.rsp.core.http.HeadLimits;
import dev.rsp.core.http.ParseStatus;
import dev.rsp.core.http.RequestHeadParser;
import dev.rsp.core.http.ResponseHeadParser;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parsing one message head in place, as the core does per request: a browser-like request head (~560 bytes, 11
 * fields) and a typical response head, from a direct buffer like the loops' pooled ones ({@code buffer=direct}) or
 * from a heap buffer ({@code buffer=heap}, for comparison). {@code requestHead} parses the same head again and
 * again, as on a keep-alive connection that repeats its Host and target; {@code requestHeadNewTarget} cycles
 * through 16 heads that differ in their target only, so that the target's String cannot be reused.
 * Run: {@code java -jar bench/jmh/target/benchmarks.jar HeadParse}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HeadParseBenchmark {

    static final String REQUEST = "GET /shop/cart/items?session=8f2c1e&lang=en HTTP/1.1\r\n"
            + "Host: Shop.Example.com\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36\r\n"
            + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
            + "Accept-Language: en-US,en;q=0.9\r\n"
            + "Accept-Encoding: gzip, deflate, br\r\n"
            + "Connection: keep-alive\r\n"
            + "Cookie: sid=2b1f0c7e9a; theme=dark; consent=yes\r\n"
            + "Referer: https://shop.example.com/\r\n"
            + "Upgrade-Insecure-Requests: 1\r\n"
            + "Cache-Control: max-age=0\r\n"
            + "X-Request-Id: 4b7d2c90-1f3e-4a8b-9c0d-5e6f7a8b9c0d\r\n\r\n";

    static final String RESPONSE = "HTTP/1.1 200 OK\r\n"
            + "Server: nginx\r\n"
            + "Date: Sun, 29 Nov 2026 21:00:00 GMT\r\n"
            + "Content-Type: text/html; charset=utf-8\r\n"
            + "Content-Length: 5120\r\n"
            + "Cache-Control: private, max-age=0\r\n"
            + "ETag: \"5f3c-1a2b\"\r\n"
            + "Vary: Accept-Encoding\r\n\r\n";

    @Param({"direct", "heap"})
    public String buffer;

    private final RequestHeadParser request = new RequestHeadParser(HeadLimits.DEFAULT);
    private final ResponseHeadParser response = new ResponseHeadParser(HeadLimits.DEFAULT);
    private ByteBuffer requestBytes;
    private final ByteBuffer[] newTargets = new ByteBuffer[16];
    private int next;
    private ByteBuffer responseBytes;

    @Setup
    public void setUp() {
        requestBytes = direct(REQUEST);
        responseBytes = direct(RESPONSE);
        if (request.parse(requestBytes) != ParseStatus.DONE || response.parse(responseBytes) != ParseStatus.DONE) {
            throw new IllegalStateException("the benchmark's heads do not parse");
        }
        for (int i = 0; i < newTargets.length; i++) {
            newTargets[i] = direct(REQUEST.replace("session=8f2c1e", "session=8f2c" + (char) ('a' + i) + "e"));
            request.reset();
            if (request.parse(newTargets[i]) != ParseStatus.DONE) {
                throw new IllegalStateException("the benchmark's heads do not parse");
            }
        }
    }

    @Benchmark
    public int requestHead() {
        request.reset();
        request.parse(requestBytes);
        return request.head().headEnd();
    }

    @Benchmark
    public int requestHeadNewTarget() {
        ByteBuffer bytes = newTargets[next];
        next = (next + 1) & (newTargets.length - 1);
        request.reset();
        request.parse(bytes);
        return request.head().headEnd();
    }

    @Benchmark
    public int responseHead() {
        response.reset();
        response.parse(responseBytes);
        return response.head().headEnd();
    }

    private ByteBuffer direct(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer buf = "heap".equals(buffer) ? ByteBuffer.allocate(16384) : ByteBuffer.allocateDirect(16384);
        buf.put(b).flip();
        return buf;
    }
}
