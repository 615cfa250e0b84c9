package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/** What the HTTP/2 ITs ({@link Http2IT}, {@link Http2StopIT}) share: starting bin/rsp, probing it, checking bodies. */
final class Http2Checks {

    private Http2Checks() {
    }

    static Process launch(RspHome h, Path output) throws IOException {
        return new ProcessBuilder(h.dir.resolve("bin/rsp").toString()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }


    /** GET / over TLS with SNI {@code host}, HTTP/1.1 (no ALPN), any certificate: true on a 200. */
    static boolean tlsAnswers(int port, String host) {
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new TrustingAnything()}, new SecureRandom());
            try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, host, port, true)) {
                SSLParameters params = s.getSSLParameters();
                params.setServerNames(List.of(new SNIHostName(host)));
                s.setSSLParameters(params);
                s.setSoTimeout(5000);
                s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                return new String(s.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1).equals("HTTP/1.1 200");
            }
        } catch (Exception e) {
            return false;
        }
    }

    static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void assertIntact(Path file, long size) throws IOException {
        assertEquals(size, Files.size(file), "the whole body");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            long at = 0;
            for (int n; (n = in.read(buf)) > 0; at += n) {
                for (int i = 0; i < n; i++) {
                    if ((buf[i] & 0xff) != BigBodyBackend.byteAt(at + i)) {
                        fail("wrong byte at " + (at + i));
                    }
                }
            }
        }
    }

    static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.ISO_8859_1);
    }

    static String tail(String s) {
        return s.length() <= 4000 ? s : "..." + s.substring(s.length() - 4000);
    }
}
