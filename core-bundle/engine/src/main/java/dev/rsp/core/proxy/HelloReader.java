package dev.rsp.core.proxy;

import dev.rsp.core.net.Endpoint;
import dev.rsp.spi.tls.Inspection;
import dev.rsp.spi.tls.TlsFront;
import java.io.IOException;

/**
 * Reads the start of a TLS listener's connection until its front has decided about the ClientHello: reads into the
 * endpoint's input window without consuming anything (the bytes are replayed to a backend or become the first
 * ciphertext), asks {@link TlsFront#inspect} only once the front's byte hint is reached, and enforces the size cap.
 * The TLS counterpart of {@link HeadReader}; what each outcome means is {@link TlsStage}'s to decide. One per
 * connection, loop thread only.
 */
final class HelloReader {

    /** Where the reading stands. */
    sealed interface Outcome {
    }

    /** Nothing decided; the socket has nothing more now and read interest is on. */
    record Waiting() implements Outcome {
    }

    /** The front's answer: a hello or a rejection. */
    record Decided(Inspection inspection) implements Outcome {
    }

    /** The connection is to be closed, counted under {@code counter}. */
    record Failed(Counter counter, String why) implements Outcome {
    }

    static final Outcome WAITING = new Waiting();

    private final TlsFront front;
    /** Bytes needed before asking the front again. */
    private int need = 1;

    HelloReader(TlsFront front) {
        this.front = front;
    }

    Outcome read(Endpoint ep) {
        int cap = Math.min(front.maxHelloBytes(), ep.input().capacity());
        while (true) {
            int n;
            try {
                n = ep.read();
            } catch (IOException e) {
                return new Failed(Counter.TLS_HELLO_READ_ERROR, e.toString());
            }
            int have = ep.inputAvailable();
            if (have >= need) {
                Inspection r;
                try {
                    r = front.inspect(ep.input().asReadOnlyBuffer());
                } catch (RuntimeException e) {
                    return new Failed(Counter.TLS_INSPECT_FAILED, "the TLS front failed to inspect a ClientHello: " + e);
                }
                if (!(r instanceof Inspection.NeedMore more)) {
                    return new Decided(r);
                }
                need = Math.max(have + 1, more.atLeast());
            }
            if (n < 0) {
                return new Failed(have == 0 ? Counter.TLS_HELLO_CLOSED_EMPTY : Counter.TLS_HELLO_TRUNCATED, "closed before a ClientHello");
            }
            if (have >= cap || need > cap) {
                return new Failed(Counter.TLS_REJECT_TOO_LARGE, "no ClientHello within " + cap + " bytes");
            }
            if (n == 0) {
                ep.wantRead(true);
                return WAITING;
            }
        }
    }
}
