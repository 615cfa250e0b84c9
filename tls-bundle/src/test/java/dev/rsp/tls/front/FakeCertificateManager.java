package dev.rsp.tls.front;

import dev.rsp.tls.certs.CertificateManager;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A CertificateManager whose answers a test sets: challenges, issuances it completes itself, renewals and errors. */
final class FakeCertificateManager implements CertificateManager {

    final Path storage;
    final Map<String, AlpnChallenge> challenges = new ConcurrentHashMap<>();
    final Map<String, CompletableFuture<Void>> issuing = new ConcurrentHashMap<>();
    final Map<String, Instant> renewals = new ConcurrentHashMap<>();
    final Map<String, String> errors = new ConcurrentHashMap<>();
    final List<String> onDemandAsked = new CopyOnWriteArrayList<>();
    volatile Runnable storageChanged = () -> { };

    FakeCertificateManager(Path storage) {
        this.storage = storage;
    }

    @Override
    public Path storage() {
        return storage;
    }

    @Override
    public Optional<AlpnChallenge> alpnChallenge(String name) {
        return Optional.ofNullable(challenges.get(name));
    }

    /** Issues for a name the test registered in {@link #issuing}; refuses others. */
    @Override
    public Optional<CompletionStage<?>> onDemand(String name) {
        onDemandAsked.add(name);
        return Optional.ofNullable(issuing.get(name));
    }

    @Override
    public Optional<Instant> nextRenewal(String name) {
        return Optional.ofNullable(renewals.get(name));
    }

    @Override
    public Optional<String> lastError(String name) {
        return Optional.ofNullable(errors.get(name));
    }

    @Override
    public void onStorageChanged(Runnable listener) {
        storageChanged = listener;
    }
}
