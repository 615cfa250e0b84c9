package dev.rsp.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A TLS backend for the passthrough test: answers one request per connection with "tls-backend <target>". */
final class TlsEchoBackend {

    private TlsEchoBackend() {
    }

    /** Accepts on {@code server} (an SSLServerSocket) until it is closed, a thread per connection. */
    static void serve(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> {
                    try (s) {
                        InputStream in = s.getInputStream();
                        String requestLine = line(in);
                        while (!line(in).isEmpty()) {
                            // skip the header fields
                        }
                        String target = requestLine.split(" ")[1];
                        byte[] body = ("tls-backend " + target).getBytes(StandardCharsets.UTF_8);
                        s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length
                                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        s.getOutputStream().write(body);
                        s.getOutputStream().flush();
                    } catch (IOException | RuntimeException ignored) {
                        // the client went away
                    }
                });
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** One line without its CRLF (or LF); empty at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }
}
