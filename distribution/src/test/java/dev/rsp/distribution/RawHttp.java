package dev.rsp.distribution;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** One HTTP/1.1 request over a fresh socket with {@code Connection: close}; the whole answer is returned. */
final class RawHttp {

    private RawHttp() {
    }

    /** Sends GET {@code path} with the given Host to 127.0.0.1:{@code port} and returns the raw response. */
    static String get(int port, String host, String path) throws IOException {
        return get(port, host, path, "");
    }

    /** The same with extra header lines, each ending in CRLF (e.g. {@code "X-Route-To: demo-3\r\n"}). */
    static String get(int port, String host, String path, String extraHeaders) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(5000);
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + extraHeaders + "Connection: close\r\n\r\n";
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
