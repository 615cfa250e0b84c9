package dev.rsp.core.backend;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.hosts.HostsFileParser;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;
import org.xbill.DNS.lookup.ServerFailedException;

/**
 * {@link HostLookup} with dnsjava's asynchronous {@link LookupSession}, which gives each record's TTL (the JDK's
 * resolver has none, and caches 30 s whatever the TTL). Servers: {@code dns.servers}, else the nameservers of
 * {@code /etc/resolv.conf}, with its search path and ndots. No cache of its own: {@link ResolvedNames} asks again when
 * an answer's TTL runs out, and then wants the servers' answer.
 *
 * <p>The hosts file ({@code dns.hosts}) is consulted first for addresses, as the system resolver does; its names get
 * {@code dns.ttl.max.ms} as TTL, and the file is parsed again when its modification time changes. Reading it is the
 * only I/O on the caller's thread (a local file); DNS lookups never block the caller.
 *
 * <p>Threads: safe for one caller at a time (the publisher's thread); answers complete on dnsjava's threads.
 */
final class DnsjavaLookup implements HostLookup {

    private final LookupSession session;
    private final long timeoutNanos;
    private final long hostsTtlSeconds;
    private final Path hostsFile;
    private HostsFileParser hosts;
    private FileTime hostsRead;

    DnsjavaLookup(DnsSettings settings) {
        Duration timeout = Duration.ofNanos(settings.timeoutNanos());
        ExtendedResolver resolver = settings.servers().isEmpty() ? new ExtendedResolver()
                : new ExtendedResolver(settings.servers().stream().map(a -> (Resolver) new SimpleResolver(a)).toList());
        for (Resolver r : resolver.getResolvers()) {
            r.setTimeout(timeout);
        }
        resolver.setTimeout(timeout);
        ResolverConfig system = ResolverConfig.getCurrentConfig();
        this.session = LookupSession.builder().resolver(resolver).clearCaches().ndots(system.ndots())
                .searchPath(system.searchPath()).build();
        this.timeoutNanos = settings.timeoutNanos();
        this.hostsTtlSeconds = TimeUnit.NANOSECONDS.toSeconds(settings.ttlMaxNanos());
        this.hostsFile = settings.hostsFile().isEmpty() ? null : Path.of(settings.hostsFile());
    }

    @Override
    public CompletionStage<Answer> addresses(String host) {
        Name name;
        try {
            name = Name.fromString(host);
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(new Failed("not a DNS name: " + e.getMessage()));
        }
        Optional<Answer> fromFile = fromHostsFile(name);
        if (fromFile.isPresent()) {
            return CompletableFuture.completedFuture(fromFile.get());
        }
        CompletableFuture<Answer> answer = lookup(name, Type.A).thenCompose(a -> a instanceof Failed f
                && f.reason().startsWith(NO_RECORD) ? lookup(name, Type.AAAA) : CompletableFuture.completedFuture(a));
        return bounded(answer);
    }

    @Override
    public CompletionStage<Answer> services(String srvName) {
        try {
            return bounded(lookup(Name.fromString(srvName), Type.SRV));
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(new Failed("not a DNS name: " + e.getMessage()));
        }
    }

    private static final String NO_RECORD = "no ";

    private CompletableFuture<Answer> lookup(Name name, int type) {
        try {
            return session.lookupAsync(name, type).toCompletableFuture().handle((result, error) -> error == null
                    ? answer(result, type) : failed(error, type));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failed(e, type));
        }
    }

    private static Answer answer(LookupResult result, int type) {
        long ttl = Long.MAX_VALUE;
        List<InetAddress> addresses = new ArrayList<>();
        List<ServiceTarget> targets = new ArrayList<>();
        for (Record r : result.getRecords()) {
            if (r instanceof ARecord a) {
                addresses.add(a.getAddress());
            } else if (r instanceof AAAARecord a) {
                addresses.add(a.getAddress());
            } else if (r instanceof SRVRecord s) {
                if (!s.getTarget().equals(Name.root)) {
                    targets.add(new ServiceTarget(s.getPriority(), s.getWeight(), s.getPort(),
                            s.getTarget().toString(true).toLowerCase(Locale.ROOT)));
                }
            } else {
                continue;
            }
            ttl = Math.min(ttl, r.getTTL());
        }
        if (type == Type.SRV) {
            return ttl == Long.MAX_VALUE ? new Failed(NO_RECORD + "SRV record") : new Services(targets, ttl);
        }
        return addresses.isEmpty() ? new Failed(NO_RECORD + Type.string(type) + " record")
                : new Addresses(addresses, ttl);
    }

    private static Answer failed(Throwable error, int type) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (e instanceof NoSuchDomainException) {
            return new Failed("no such name (NXDOMAIN)");
        }
        if (e instanceof NoSuchRRSetException) {
            return new Failed(NO_RECORD + Type.string(type) + " record");
        }
        if (e instanceof ServerFailedException) {
            return new Failed("server failure (SERVFAIL)");
        }
        return new Failed(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    /** Completes with a failure at the lookup timeout (and a half second) at the latest, whatever dnsjava does. */
    private CompletionStage<Answer> bounded(CompletableFuture<Answer> answer) {
        return answer.completeOnTimeout(new Failed("no answer within dns.timeout.ms"),
                timeoutNanos + TimeUnit.MILLISECONDS.toNanos(500), TimeUnit.NANOSECONDS);
    }

    private Optional<Answer> fromHostsFile(Name name) {
        if (hostsFile == null) {
            return Optional.empty();
        }
        try {
            FileTime modified = Files.getLastModifiedTime(hostsFile);
            if (hosts == null || !modified.equals(hostsRead)) {
                hosts = new HostsFileParser(hostsFile, false);
                hostsRead = modified;
            }
            Name absolute = name.isAbsolute() ? name : Name.concatenate(name, Name.root);
            Optional<InetAddress> a = hosts.getAddressForHost(absolute, Type.A);
            if (a.isEmpty()) {
                a = hosts.getAddressForHost(absolute, Type.AAAA);
            }
            return a.map(x -> new Addresses(List.of(x), hostsTtlSeconds));
        } catch (IOException | RuntimeException e) {
            // no hosts file (or unreadable): DNS alone, as the system resolver does
            return Optional.empty();
        }
    }
}
