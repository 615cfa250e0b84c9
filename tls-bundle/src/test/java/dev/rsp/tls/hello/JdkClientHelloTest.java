package dev.rsp.tls.hello;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.tls.hello.ClientHelloParser.Status;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

/** Cross-check against a real implementation: the ClientHello the JDK's own SSLEngine writes (no network). */
class JdkClientHelloTest {

    static byte[] jdkClientHello(String host, String[] protocols, String... alpn) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        SSLEngine engine = context.createSSLEngine(host, 443);
        engine.setUseClientMode(true);
        SSLParameters params = engine.getSSLParameters();
        params.setServerNames(List.of(new SNIHostName(host)));
        params.setApplicationProtocols(alpn);
        params.setProtocols(protocols);
        engine.setSSLParameters(params);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        SSLEngineResult r = engine.wrap(ByteBuffer.allocate(0), out);
        assertEquals(SSLEngineResult.Status.OK, r.getStatus());
        out.flip();
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }

    @Test
    void readsWhatTheJdkSends() throws Exception {
        byte[] bytes = jdkClientHello("shop.example.com", new String[] {"TLSv1.3", "TLSv1.2"}, "h2", "http/1.1");
        ClientHelloParser p = new ClientHelloParser(ClientHelloParser.DEFAULT_MAX_BYTES);
        assertEquals(Status.DONE, p.parse(ByteBuffer.wrap(bytes)));
        ClientHello h = p.hello();
        assertEquals(Optional.of("shop.example.com"), h.serverName());
        assertEquals(List.of("h2", "http/1.1"), h.alpn());
        assertEquals(List.of(0x0304, 0x0303), h.supportedVersions());
        assertEquals(0x0303, h.legacyVersion());
        assertEquals(bytes.length, h.length());
        // And byte by byte.
        ClientHelloParser q = new ClientHelloParser(ClientHelloParser.DEFAULT_MAX_BYTES);
        for (int n = 0; n < bytes.length; n++) {
            assertEquals(Status.NEED_MORE, q.parse(ByteBuffer.wrap(bytes, 0, n)));
        }
        assertEquals(Status.DONE, q.parse(ByteBuffer.wrap(bytes)));
        assertEquals(h, q.hello());
    }

    @Test
    void aTls12OnlyJdkClient() throws Exception {
        byte[] bytes = jdkClientHello("old.example.org", new String[] {"TLSv1.2"}, "http/1.1");
        ClientHelloParser p = new ClientHelloParser(ClientHelloParser.DEFAULT_MAX_BYTES);
        assertEquals(Status.DONE, p.parse(ByteBuffer.wrap(bytes)));
        assertEquals(Optional.of("old.example.org"), p.hello().serverName());
        assertEquals(List.of("http/1.1"), p.hello().alpn());
        assertTrue(p.hello().supportedVersions().contains(0x0303));
        assertTrue(!p.hello().offersTls13());
    }
}
