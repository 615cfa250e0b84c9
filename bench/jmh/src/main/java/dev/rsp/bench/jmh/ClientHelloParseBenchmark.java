package dev.rsp.bench.jmh;

import dev.rsp.tls.hello.ClientHello;
import dev.rsp.tls.hello.ClientHelloParser;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
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
 * Inspecting the ClientHello of one new TLS connection as the TLS bundle does: a fresh {@link ClientHelloParser}
 * (one per connection) reading SNI, ALPN and versions out of a direct buffer, for a browser-sized hello (512 bytes)
 * and a post-quantum one (2,100 bytes, see {@link ClientHelloBytes}). {@code whole}: all bytes in one call.
 * {@code twoPieces}: first the bytes of one TCP segment (1,448 bytes, a 1,500-byte MTU with TCP timestamps) or,
 * for a hello that fits in one, its first half, then everything. Run:
 * {@code java -jar bench/jmh/target/benchmarks.jar ClientHelloParse}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ClientHelloParseBenchmark {

    static final int SEGMENT = 1448;

    @Param({"browser", "postQuantum"})
    public String shape;

    private ByteBuffer whole;
    private ByteBuffer firstPiece;

    @Setup
    public void setUp() {
        byte[] hello = "browser".equals(shape) ? ClientHelloBytes.browser("www.example.com")
                : ClientHelloBytes.postQuantum("www.example.com");
        whole = ByteBuffer.allocateDirect(hello.length);
        whole.put(hello).flip();
        firstPiece = whole.duplicate();
        firstPiece.limit(hello.length > SEGMENT ? SEGMENT : hello.length / 2);
        ClientHelloParser check = new ClientHelloParser(ClientHelloParser.DEFAULT_MAX_BYTES);
        if (check.parse(firstPiece) != ClientHelloParser.Status.NEED_MORE
                || check.parse(whole) != ClientHelloParser.Status.DONE) {
            throw new IllegalStateException("the benchmark's hello does not parse");
        }
        ClientHello h = check.hello();
        if (!h.serverName().equals(Optional.of("www.example.com")) || !h.alpn().equals(List.of("h2", "http/1.1"))
                || !h.offersTls13() || h.length() != hello.length) {
            throw new IllegalStateException("unexpected hello " + h);
        }
    }

    @Benchmark
    public ClientHello whole() {
        ClientHelloParser p = new ClientHelloParser(ClientHelloParser.DEFAULT_MAX_BYTES);
        p.parse(whole);
        return p.hello();
    }

    @Benchmark
    public ClientHello twoPieces() {
        ClientHelloParser p = new ClientHelloParser(ClientHelloParser.DEFAULT_MAX_BYTES);
        p.parse(firstPiece);
        p.parse(whole);
        return p.hello();
    }
}
