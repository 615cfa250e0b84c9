package dev.rsp.core.trace;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one batch to the collector as an OTLP/HTTP JSON POST with the JDK's HttpClient (HTTP/1.1; a collector's
 * port 4318 is plain HTTP and needs no upgrade attempt). A 2xx is success. 429, 502, 503 and 504 and network errors
 * are what the OTLP specification calls retryable: the batch is sent again after a backoff (250 ms, doubling, at most
 * 5 s, or the collector's {@code Retry-After} seconds up to 30 s), up to {@code tracing.otlp.tries} sends in all; any
 * other status fails the batch at once. A failure is counted and logged at most once a minute. Exporter thread only.
 */
final class OtlpSender {

    private static final Logger log = LoggerFactory.getLogger(OtlpSender.class);
    private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long MAX_RETRY_AFTER_SECONDS = 30;
    private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final SpanExport.Counts counts;
    private final BooleanSupplier closing;
    private HttpClient client;
    private long clientTimeoutNanos;
    private long nextLog = System.nanoTime();
    private long failedSinceLog;

    OtlpSender(SpanExport.Counts counts, BooleanSupplier closing) {
        this.counts = counts;
        this.closing = closing;
    }

    void send(TraceSettings t, List<Span> batch) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(t.endpoint())
                .timeout(Duration.ofNanos(t.timeoutNanos()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(OtlpJson.body(batch, t.serviceName()), StandardCharsets.UTF_8));
        t.headers().forEach(builder::header);
        HttpRequest request = builder.build();
        long backoff = FIRST_BACKOFF_NANOS;
        for (int attempt = 1; ; attempt++) {
            String why;
            long waitNanos = backoff;
            boolean retryable;
            try {
                HttpResponse<Void> response = client(t).send(request, HttpResponse.BodyHandlers.discarding());
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    counts.exported(batch.size());
                    return;
                }
                why = "HTTP " + status;
                retryable = status == 429 || status == 502 || status == 503 || status == 504;
                long after = retryAfterSeconds(response.headers().firstValue("Retry-After").orElse(""));
                if (after >= 0) {
                    waitNanos = TimeUnit.SECONDS.toNanos(Math.min(after, MAX_RETRY_AFTER_SECONDS));
                }
            } catch (IOException e) {
                why = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                retryable = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                why = "interrupted (rsp stops)";
                retryable = false;
            }
            if (!retryable || attempt >= t.tries() || closing.getAsBoolean()) {
                failed(t, batch.size(), why, attempt);
                return;
            }
            counts.retried();
            LockSupport.parkNanos(this, waitNanos);
            backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
        }
    }

    private void failed(TraceSettings t, int spans, String why, int sends) {
        counts.failed(spans);
        failedSinceLog++;
        long now = System.nanoTime();
        if (now - nextLog >= 0) {
            log.warn("tracing: {} span(s) not exported to {}: {} (after {} send(s)); {} batch(es) failed since the last such line",
                    spans, t.endpoint(), why, sends, failedSinceLog);
            failedSinceLog = 0;
            nextLog = now + LOG_INTERVAL_NANOS;
        }
    }

    /** Seconds of a {@code Retry-After} given in seconds, or -1 (absent, or an HTTP date: then the backoff applies). */
    static long retryAfterSeconds(String value) {
        String v = value.strip();
        if (v.isEmpty() || v.length() > 9) {
            return -1;
        }
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(v);
    }

    private HttpClient client(TraceSettings t) {
        if (client == null || clientTimeoutNanos != t.timeoutNanos()) {
            client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofNanos(t.timeoutNanos())).build();
            clientTimeoutNanos = t.timeoutNanos();
        }
        return client;
    }
}
