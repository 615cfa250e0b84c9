package dev.rsp.core.proxy;

import dev.rsp.core.forwarded.ClientChain;
import java.nio.ByteBuffer;

/**
 * The forwarding fields of a request head for the backend ({@link HeadWriter}): {@code X-Forwarded-For} and RFC 7239
 * {@code Forwarded}, each one field line. A trusted peer's own lines of that field come first, joined with
 * {@code ", "} (a list, RFC 9110 5.3), then the hop rsp saw; from any other peer only rsp's hop. Throws
 * {@link java.nio.BufferOverflowException} when {@code out} is full, as HeadWriter expects. Static; loop thread only.
 */
final class ForwardingFields {

    private ForwardingFields() {
    }

    /** {@code X-Forwarded-For: [their list, ]peer}. */
    static void xForwardedFor(RequestFields r, HeadWriter.Forwarding f, ByteBuffer out) {
        HeadWriter.ascii(out, "X-Forwarded-For: ");
        if (f.trustedPeer()) {
            earlier(r, "x-forwarded-for", out);
        }
        HeadWriter.ascii(out, f.clientIp());
        out.put(HeadWriter.CRLF);
    }

    /**
     * {@code Forwarded: [their list, ]for=peer;proto=http|https;host="host"}: an IPv6 peer quoted and in brackets,
     * the host always quoted (it may carry a port, and {@code :} is not a token character).
     */
    static void forwarded(RequestFields r, HeadWriter.Forwarding f, ByteBuffer out) {
        HeadWriter.ascii(out, "Forwarded: ");
        if (f.trustedPeer()) {
            earlier(r, "forwarded", out);
        }
        HeadWriter.ascii(out, "for=");
        HeadWriter.ascii(out, ClientChain.forwardedNode(f.clientIp()));
        HeadWriter.ascii(out, f.tls() ? ";proto=https;host=\"" : ";proto=http;host=\"");
        HeadWriter.ascii(out, r.forwardedHost());
        out.put((byte) '"');
        out.put(HeadWriter.CRLF);
    }

    /** The values of every {@code name} field of the request, each followed by {@code ", "}. */
    private static void earlier(RequestFields r, String name, ByteBuffer out) {
        for (int i = 0; i < r.fieldCount(); i++) {
            if (r.nameIs(i, name) && r.forwardedAsSent(i)) {
                r.writeValue(i, out);
                HeadWriter.ascii(out, ", ");
            }
        }
    }
}
