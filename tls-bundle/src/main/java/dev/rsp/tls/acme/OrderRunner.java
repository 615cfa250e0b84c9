package dev.rsp.tls.acme;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeServerException;

/**
 * One order for one name (RFC 8555 7.4): create it, answer each pending authorization with the first challenge type
 * of {@code challenges} the CA offers, finalize with a CSR for a new key ({@link Order#execute(KeyPair)}: acme4j's
 * CSRBuilder with the JDK's signature providers), download the chain. Blocks its thread while the CA validates (acme4j
 * polls), within {@code order.timeout.ms} in all; never run on a network thread. acme4j retries {@code badNonce}
 * answers itself.
 */
final class OrderRunner {

    /** The outcome of {@link #run}. */
    sealed interface Outcome {
    }

    /** The chain (leaf first) and its key. */
    record Issued(List<X509Certificate> chain, KeyPair key) implements Outcome {
    }

    /** No certificate: {@code problem} is the CA's problem detail or what went wrong here; retry no sooner than {@code retryAfter}. */
    record Failed(String problem, Optional<Instant> retryAfter) implements Outcome {
    }

    private final AcmeSettings settings;
    private final Http01Book http01;
    private final AlpnChallengeCert alpn;

    OrderRunner(AcmeSettings settings, Http01Book http01, AlpnChallengeCert alpn) {
        this.settings = settings;
        this.http01 = http01;
        this.alpn = alpn;
    }

    Outcome run(Login login, String name) {
        long deadline = System.nanoTime() + settings.orderTimeout().toNanos();
        try {
            Order order = login.newOrder().domain(name).create();
            for (Authorization auth : order.getAuthorizations()) {
                if (auth.getStatus() == Status.VALID) {
                    continue;
                }
                Optional<Failed> failed = authorize(auth, name, deadline);
                if (failed.isPresent()) {
                    return failed.get();
                }
            }
            KeyPair key = AcmeKeys.generate(settings.keyType());
            order.waitUntilReady(remaining(deadline));
            order.execute(key);
            if (order.waitForCompletion(remaining(deadline)) != Status.VALID) {
                return new Failed("the order ended " + order.getStatus() + ": "
                        + order.getError().map(OrderRunner::describe).orElse("(the CA gave no reason)"), Optional.empty());
            }
            List<X509Certificate> chain = order.getCertificate().getCertificateChain();
            return new Issued(List.copyOf(chain), key);
        } catch (AcmeRateLimitedException e) {
            return new Failed("rate limited: " + describe(e.getProblem()), e.getRetryAfter());
        } catch (AcmeServerException e) {
            return new Failed(describe(e.getProblem()), Optional.empty());
        } catch (AcmeException e) {
            return new Failed(e.getMessage() + (e.getCause() != null ? " (" + e.getCause() + ")" : ""), Optional.empty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Failed("interrupted (rsp.acme stopping or reconfigured)", Optional.empty());
        } catch (RuntimeException e) {
            return new Failed(e.toString(), Optional.empty());
        }
    }

    private Optional<Failed> authorize(Authorization auth, String name, long deadline)
            throws AcmeException, InterruptedException {
        Challenge challenge = null;
        for (AcmeSettings.ChallengeType type : settings.challenges()) {
            challenge = auth.findChallenge(type.acmeName).orElse(null);
            if (challenge != null) {
                break;
            }
        }
        if (challenge == null) {
            return Optional.of(new Failed("the CA offers none of the challenges " + settings.challenges() + " for "
                    + auth.getIdentifier().getDomain() + " (it offers " + auth.getChallenges().stream()
                    .map(Challenge::getType).toList() + ")", Optional.empty()));
        }
        String domain = auth.getIdentifier().getDomain();
        Runnable disarm = arm(challenge, domain);
        try {
            challenge.trigger();
            Status status = challenge.waitForCompletion(remaining(deadline));
            if (status != Status.VALID) {
                return Optional.of(new Failed(challenge.getType() + " for " + domain + " failed: "
                        + challenge.getError().map(OrderRunner::describe).orElse("status " + status), Optional.empty()));
            }
            return Optional.empty();
        } finally {
            disarm.run();
        }
    }

    /**
     * Publishes the answer to {@code challenge}; the result withdraws it. The validation certificate's dates follow
     * the real time (the CA's), not the component's clock.
     */
    private Runnable arm(Challenge challenge, String domain) {
        if (challenge instanceof Http01Challenge http) {
            http01.add(domain, http.getToken(), http.getAuthorization());
            return () -> http01.remove(domain, http.getToken());
        }
        TlsAlpn01Challenge tls = (TlsAlpn01Challenge) challenge;
        alpn.add(domain, AlpnChallengeCert.create(domain, tls.getAuthorization(), Instant.now()));
        return () -> alpn.remove(domain);
    }

    private static Duration remaining(long deadline) throws AcmeException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new AcmeException("order.timeout.ms reached");
        }
        return Duration.ofNanos(left);
    }

    /** The problem's type and detail (and sub-problems), as the CA gave them: never keys. */
    static String describe(Problem problem) {
        return problem.toString() + " [" + problem.getType() + "]";
    }
}
