package dev.rsp.tls.ocsp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * OCSP over HTTP with the JDK's client (RFC 6960 appendix A.1: a POST of the DER request, HTTP/1.1), each fetch
 * bounded as a whole: connect, request, response head and body within the {@code within} the stapler gives, and at
 * most {@link #MAX_RESPONSE_BYTES} of body. A responder that sends its head and then stalls or trickles is given up at
 * the deadline and its connection closed; a body over the cap is given up as soon as it is known to be (a declared
 * Content-Length, else the first byte past it). Called on the stapler's thread, which waits; the client's threads do
 * the I/O.
 */
final class OcspHttpFetch implements OcspStapler.Fetch {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** An OCSP response is a few KB (one certificate's status, a signature, perhaps the responder's certificate). */
    static final int MAX_RESPONSE_BYTES = 64 * 1024;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();

    @Override
    public byte[] post(URI responder, byte[] request, Duration within) throws IOException, InterruptedException {
        HttpRequest post = HttpRequest.newBuilder(responder).timeout(within)
                .header("Content-Type", "application/ocsp-request").header("Accept", "application/ocsp-response")
                .POST(HttpRequest.BodyPublishers.ofByteArray(request)).build();
        CappedBody body = new CappedBody(MAX_RESPONSE_BYTES);
        CompletableFuture<HttpResponse<byte[]>> sent = client.sendAsync(post, body::start);
        try {
            HttpResponse<byte[]> response = sent.get(within.toNanos(), TimeUnit.NANOSECONDS);
            if (response.statusCode() != 200) {
                throw new OcspFetchFailed(OcspOutcome.FETCH_STATUS, "HTTP status " + response.statusCode());
            }
            return response.body();
        } catch (TimeoutException e) {
            throw timedOut(within, body);
        } catch (ExecutionException e) {
            for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                if (t instanceof OcspFetchFailed failed) {
                    throw new OcspFetchFailed(failed.outcome(), failed.getMessage());
                }
                if (t instanceof HttpTimeoutException) {
                    throw timedOut(within, body);
                }
            }
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException(cause);
        } finally {
            if (!sent.isDone()) {
                body.cancel();
                sent.cancel(true);
            }
        }
    }

    private static OcspFetchFailed timedOut(Duration within, CappedBody body) {
        return new OcspFetchFailed(OcspOutcome.FETCH_TIMEOUT, "no whole answer within " + within.toMillis()
                + " ms (ocsp.fetch.timeout.ms): " + (body.started() ? "the response head came, its body did not finish"
                        : "no response head"));
    }

    /**
     * The body of one response, kept up to a cap. {@link #start} runs on the client's thread when the head has come;
     * the subscriber methods run one at a time on its threads; {@link #cancel} may come from the stapler's thread and
     * closes the connection (a body not read to its end is not pooled).
     */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int cap;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private volatile Flow.Subscription subscription;
        private volatile boolean started;
        private volatile boolean cancelled;
        /** Set by {@link #start}: the answer is known without its body (not 200, or declared over the cap). */
        private volatile OcspFetchFailed refused;
        private volatile boolean discard;

        CappedBody(int cap) {
            this.cap = cap;
        }

        HttpResponse.BodySubscriber<byte[]> start(HttpResponse.ResponseInfo head) {
            started = true;
            if (head.statusCode() != 200) {
                discard = true;
            } else if (head.headers().firstValueAsLong("Content-Length").orElse(0) > cap) {
                refused = tooLarge(cap);
            }
            return this;
        }

        boolean started() {
            return started;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (discard || refused != null || cancelled) {
                s.cancel();
                if (refused != null) {
                    result.completeExceptionally(refused);
                } else {
                    result.complete(new byte[0]);
                }
                return;
            }
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                if (received.size() + b.remaining() > cap) {
                    subscription.cancel();
                    result.completeExceptionally(tooLarge(cap));
                    return;
                }
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                received.writeBytes(bytes);
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(received.toByteArray());
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        /** Gives the body up: the deadline passed. */
        void cancel() {
            cancelled = true;
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }

        private static OcspFetchFailed tooLarge(int cap) {
            return new OcspFetchFailed(OcspOutcome.FETCH_TOO_LARGE, "an answer over " + cap + " bytes");
        }
    }
}
