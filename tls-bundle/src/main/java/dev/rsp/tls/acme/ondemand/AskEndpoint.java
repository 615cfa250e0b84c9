package dev.rsp.tls.acme.ondemand;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's permission endpoint ({@code ondemand.ask.url}), with the contract of Caddy's {@code ask}: an HTTP GET
 * of the URL with {@code domain=<name>} added to its query; a 2xx status is yes, 5xx, a timeout or no connection is a
 * failure, any other status is no (redirects are not followed). The body is ignored.
 *
 * <p>Never blocks its caller: {@link #ask} returns a stage that completes on the HTTP client's thread (chain real work
 * with an {@code *Async} method on your own executor). Concurrent asks for one name share one request; at most
 * {@code maxInFlight} requests are in flight, and an ask beyond that is answered {@link Answer#BUSY} at once.
 * Answers are cached ({@link AnswerCache}); {@link #cached} is the caller's look before it decides to ask.
 */
public final class AskEndpoint {

    /** What the endpoint said. */
    public enum Answer {
        /** 2xx. */
        ALLOWED,
        /** Any other status but 5xx. */
        REFUSED,
        /** 5xx, timeout, connection or protocol error. */
        FAILED,
        /** Not asked: too many asks in flight. */
        BUSY
    }

    private static final Logger log = LoggerFactory.getLogger(AskEndpoint.class);

    private final URI url;
    /** The URL as logged: without its query, which may hold a token. */
    private final String shown;
    private final Duration timeout;
    private final int maxInFlight;
    private final AnswerCache cache;
    private final HttpClient client;
    /** Guarded by {@code this}. */
    private final Map<String, CompletableFuture<Answer>> inFlight = new HashMap<>();
    private final LongAdder calls = new LongAdder();
    private final LongAdder cacheHits = new LongAdder();
    private final LongAdder shared = new LongAdder();
    private final LongAdder failures = new LongAdder();
    /** Failures are logged when this many have passed since the last line (1st, then every 100th): a down endpoint and a flood must not flood the log. */
    private static final int LOG_EVERY = 100;

    AskEndpoint(URI url, Duration timeout, int maxInFlight, AnswerCache cache, HttpClient client) {
        this.url = url;
        this.shown = url.getScheme() + "://" + url.getRawAuthority() + (url.getRawPath() == null ? "" : url.getRawPath());
        this.timeout = timeout;
        this.maxInFlight = maxInFlight;
        this.cache = cache;
        this.client = client;
    }

    /** An HTTP/1.1 client that connects within {@code timeout}, without a proxy, following no redirect. */
    static HttpClient client(Duration timeout) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The URL asked for {@code name}: the configured one with {@code domain=<name>} appended to its query. */
    static URI urlFor(URI base, String name) {
        String s = base.toString();
        int hash = s.indexOf('#');
        if (hash >= 0) {
            s = s.substring(0, hash);
        }
        String sep = base.getRawQuery() == null ? "?" : s.endsWith("?") || s.endsWith("&") ? "" : "&";
        return URI.create(s + sep + "domain=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
    }

    /** A fresh cached answer for {@code name} (counted as {@code acme.ondemand.ask.cache_hit}), else empty. */
    public Optional<Answer> cached(String name) {
        Optional<Answer> a = cache.get(name);
        if (a.isPresent()) {
            cacheHits.increment();
        }
        return a;
    }

    /**
     * Asks the endpoint about {@code name} (canonical), or joins the ask already in flight for it. The stage never
     * completes exceptionally. Any thread; returns at once.
     */
    public CompletionStage<Answer> ask(String name) {
        CompletableFuture<Answer> answer;
        synchronized (this) {
            CompletableFuture<Answer> running = inFlight.get(name);
            if (running != null) {
                shared.increment();
                return running.copy();
            }
            if (inFlight.size() >= maxInFlight) {
                return CompletableFuture.completedFuture(Answer.BUSY);
            }
            answer = new CompletableFuture<>();
            inFlight.put(name, answer);
        }
        calls.increment();
        CompletableFuture<Answer> sent;
        try {
            HttpRequest request = HttpRequest.newBuilder(urlFor(url, name)).timeout(timeout).GET()
                    .header("User-Agent", "rsp-acme-ondemand").build();
            // sendAsync does the lookup and the connect on the client's executor (MultiExchange.responseAsync starts
            // with completeAsync), not on this thread; orTimeout is a safety net should the client's own timeout not fire
            sent = client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .orTimeout(timeout.toMillis() * 2 + 1_000, TimeUnit.MILLISECONDS)
                    .handle((response, failure) -> answer(name, response, failure));
        } catch (RuntimeException e) {
            sent = CompletableFuture.completedFuture(answer(name, null, e));
        }
        sent.thenAccept(a -> finish(name, a, answer));
        return answer.copy();
    }

    private void finish(String name, Answer a, CompletableFuture<Answer> answer) {
        synchronized (this) {
            if (inFlight.remove(name, answer)) {
                cache.put(name, a);
            }
        }
        answer.complete(a);
    }

    private Answer answer(String name, HttpResponse<Void> response, Throwable failure) {
        if (response != null) {
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return Answer.ALLOWED;
            }
            if (status < 500) {
                return Answer.REFUSED;
            }
        }
        failures.increment();
        if (failures.sum() % LOG_EVERY == 1) {
            Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            log.warn("rsp.acme: ondemand.ask.url {} failed for {} ({}; {} failures so far); refused for now", shown, name,
                    response != null ? "status " + response.statusCode() : String.valueOf(cause), failures.sum());
        }
        return Answer.FAILED;
    }

    /** Asks in flight now. */
    synchronized int inFlight() {
        return inFlight.size();
    }

    /** {@code acme.ondemand.ask.calls} (requests sent), {@code .cache_hit}, {@code .shared} (joined one in flight), {@code .failed}. */
    Map<String, Long> counts() {
        return Map.of("acme.ondemand.ask.calls", calls.sum(), "acme.ondemand.ask.cache_hit", cacheHits.sum(),
                "acme.ondemand.ask.shared", shared.sum(), "acme.ondemand.ask.failed", failures.sum(),
                "acme.ondemand.ask.cached", (long) cache.size());
    }
}
