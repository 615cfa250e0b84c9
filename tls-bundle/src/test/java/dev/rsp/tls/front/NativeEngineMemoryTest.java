package dev.rsp.tls.front;

import static dev.rsp.tls.certs.TestCerts.cert;
import static dev.rsp.tls.certs.TestCerts.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rsp.spi.tls.Inspection;
import dev.rsp.spi.tls.TlsEngine;
import dev.rsp.tls.certs.CertificateStore;
import dev.rsp.tls.certs.TestCerts;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCounted;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native memory stays flat over many connections: each one a full in-memory TLS 1.3 handshake between a BoringSSL
 * client and an engine of the front (the ClientHello inspected first, as the core does), a request and a response,
 * then the release the core makes on close. Checked: no native engine left unreleased, Netty's direct memory and the
 * process's resident set back where they were after a warm-up. 2,000 connections here; 100,000 in the long form
 * ({@code mvn -B verify -P long-tests -pl tls-bundle -am}).
 */
class NativeEngineMemoryTest {

    @TempDir
    Path dir;

    @Test
    void twoThousandConnectionsLeaveNativeMemoryFlat() throws Exception {
        connections(2_000);
    }

    @Test
    @Tag("long")
    void aHundredThousandConnectionsLeaveNativeMemoryFlat() throws Exception {
        connections(100_000);
    }

    private void connections(int n) throws Exception {
        assumeTrue(ServerEngines.nativeUnavailable().isEmpty(), "BoringSSL does not load here");
        TestCerts.pair(dir, "default", key("ec"), cert(key("ec"), "shop.example.com", List.of("shop.example.com")));
        CertificateStore store = new CertificateStore(() -> TestCerts.NOW);
        store.configure(new CertificateStore.Source(dir, "", false));
        TlsFrontService front = new TlsFrontService(assertInstanceOf(TlsSettings.Valid.class, TlsSettings.parse(
                Map.of("listen", "127.0.0.1:0", "engine", "native"), TlsSettings.Supported.byJdk())).settings(), store);
        SslContext clients = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL_REFCNT)
                .trustManager(InsecureTrustManagerFactory.INSTANCE).protocols("TLSv1.3").build();
        try {
            long live = NativeTls.liveEngines();
            EnginePair.Buffers buffers = new EnginePair.Buffers();
            int warmUp = n / 10;
            for (int i = 0; i < warmUp; i++) {
                connection(front, clients, buffers, i);
            }
            System.gc();
            long direct = PlatformDependent.usedDirectMemory();
            long rss = residentKiB();
            long t0 = System.nanoTime();
            for (int i = warmUp; i < n; i++) {
                connection(front, clients, buffers, i);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.gc();
            long directAfter = PlatformDependent.usedDirectMemory();
            long rssAfter = residentKiB();
            System.out.printf("%d connections after %d warm-up ones in %d ms: Netty direct memory %d -> %d bytes, "
                    + "RSS %d -> %d KiB%n", n - warmUp, warmUp, ms, direct, directAfter, rss, rssAfter);
            assertEquals(live, NativeTls.liveEngines(), "every native engine released");
            assertTrue(directAfter <= direct + (4 << 20), "Netty's direct memory flat: " + direct + " -> " + directAfter);
            // A leaked engine keeps tens of KiB of native memory: 1,800 of them would be over 50 MiB.
            assertTrue(rssAfter - rss < 96 * 1024, "resident set flat: " + rss + " -> " + rssAfter + " KiB");
        } finally {
            ((ReferenceCounted) clients).release();
            front.close();
        }
    }

    private static void connection(TlsFrontService front, SslContext clients, EnginePair.Buffers buffers, int i)
            throws Exception {
        SSLEngine client = clients.newEngine(ByteBufAllocator.DEFAULT, "shop.example.com", 443);
        TlsEngine server = null;
        try {
            EnginePair pair = new EnginePair(client, buffers);
            Inspection.Hello hello = assertInstanceOf(Inspection.Hello.class, front.inspect(pair.firstFlight()));
            server = front.newEngine(hello, new InetSocketAddress("127.0.0.1", 40000)).orElseThrow();
            assertSame(NativeTls.KIND, server.kind());
            pair.handshake(server.engine());
            String request = "GET /" + i + " HTTP/1.1\r\n\r\n";
            assertEquals(request, pair.clientToServer(request));
            assertEquals("HTTP/1.1 204 \r\n\r\n", pair.serverToClient("HTTP/1.1 204 \r\n\r\n"));
            server.engine().closeOutbound();
        } finally {
            ((ReferenceCounted) client).release();
            if (server != null) {
                // what the core does on every close path
                server.kind().release(server.engine());
            }
        }
    }

    private static long residentKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }
}
