package dev.rsp.core.proxy;

import dev.rsp.host.CanonicalHost;
import dev.rsp.host.HostNames;
import dev.rsp.core.net.Deadline;
import dev.rsp.core.net.Endpoint;
import dev.rsp.core.net.TlsEngineKind;
import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.tls.Inspection;
import dev.rsp.spi.tls.Passthrough;
import dev.rsp.spi.tls.Termination;
import dev.rsp.spi.tls.TlsEngine;
import dev.rsp.spi.tls.TlsFront;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.SSLEngine;

/**
 * The first stage of a TLS listener's connection, before any protocol: reads the ClientHello without consuming it
 * (within the front's size cap and hello timeout), then hands the connection on, by the front's
 * {@link TlsFront#handling() handling}: to a {@link PassthroughConnection} whose exchange relays the bytes to a
 * backend chosen by the server name, or (termination) to an {@link Http1Connection} over a TLS endpoint. Plain HTTP
 * sent to the TLS port is handed to an HTTP/1 connection that answers 400. On a listener that requires a PROXY
 * header, {@link ProxyHeaderStage} runs before this one and {@code remote} is the client it named.
 *
 * <p>Parking: when the front cannot make an engine at once ({@link Termination#prepare}: the certificate is being
 * loaded or issued), the connection waits without read interest and without loop time until the front's stage
 * completes, then goes on; it is closed, counted {@code tls.certificate.wait_timeout}, if that takes longer than
 * {@link Termination#prepareTimeout()}. Loop thread only (the stage's completion is posted to the loop).
 */
final class TlsStage implements ClientConnection {

    private final ProxyEngine engine;
    private final LoopContext ctx;
    private final Endpoint client;
    private final InetSocketAddress remote;
    private final String clientIp;
    private final TlsFront front;
    private final HelloReader helloReader;
    private final Deadline timer = new Deadline(this);
    private final long helloDeadline;
    private boolean over;
    /** A stop began before the hello: the connection closes at {@link #stopGraceEnds} unless handed on before. */
    private boolean draining;
    private long stopGraceEnds;
    /** While parked on {@link Termination#prepare}: when the wait ends; the timer is armed for it. */
    private boolean parked;
    private long parkDeadline;

    TlsStage(ProxyEngine engine, LoopContext ctx, Endpoint client, InetSocketAddress remote, TlsFront front) {
        this.engine = engine;
        this.ctx = ctx;
        this.client = client;
        this.remote = remote;
        this.clientIp = remote.getAddress().getHostAddress();
        this.front = front;
        this.helloReader = new HelloReader(front);
        this.helloDeadline = System.nanoTime() + front.helloTimeout().toNanos();
    }

    /** Arms the hello timeout; called once the connection is registered. */
    void start() {
        ctx.loop.arm(timer, helloDeadline);
    }

    @Override
    public void onReady(SelectionKey key) {
        readHello();
    }

    /** Reads (the rest of) the ClientHello: on readiness, or at once after a PROXY header left bytes in the window. */
    void readHello() {
        HelloReader.Outcome o = helloReader.read(client);
        if (o instanceof HelloReader.Decided d) {
            if (d.inspection() instanceof Inspection.Hello h) {
                onHello(h);
            } else {
                onReject((Inspection.Reject) d.inspection());
            }
        } else if (o instanceof HelloReader.Failed f) {
            count(f.counter());
            if (f.counter() == Counter.TLS_INSPECT_FAILED) {
                ProxyEngine.log.warn("{} (client {})", f.why(), clientIp);
            }
            close();
        }
    }

    @Override
    public void onDeadline(long now) {
        if (over) {
            return;
        }
        if (parked) {
            if (now - parkDeadline >= 0) {
                count(Counter.TLS_CERTIFICATE_WAIT_TIMEOUT);
                close();
            }
            return;
        }
        if (now - helloDeadline >= 0) {
            count(Counter.TLS_REJECT_TIMEOUT);
            close();
        } else if (draining && now - stopGraceEnds >= 0) {
            count(Counter.STOP_NEW_CLOSED);
            close();
        }
    }

    private void onReject(Inspection.Reject reject) {
        engine.counters().count(reject.counter());
        ProxyEngine.log.debug("not a TLS ClientHello from {}: {}", clientIp, reject.reason());
        if (reject.plainHttp()) {
            Http1Connection http = new Http1Connection(engine, ctx, client, remote, null, true, 0);
            handOver(http);
            http.refuse(400, "this port speaks TLS: use https://");
            http.rearm();
        } else {
            close();
        }
    }

    private void onHello(Inspection.Hello hello) {
        count(Counter.TLS_HELLO);
        client.wantRead(false);
        if (front.handling() instanceof Passthrough relay) {
            passthrough(hello, relay);
            return;
        }
        Termination termination = (Termination) front.handling();
        Optional<CompletionStage<?>> wait;
        try {
            wait = termination.prepare(hello);
        } catch (RuntimeException e) {
            ProxyEngine.log.warn("TLS front failed to prepare a certificate for {}: {}", hello.serverName().orElse("(no SNI)"), e.toString());
            wait = Optional.empty();
        }
        if (wait.isPresent()) {
            park(hello, termination, wait.get());
            return;
        }
        terminate(hello, termination);
    }

    /** Waits for the front to be ready for {@code hello}; see the class comment. */
    private void park(Inspection.Hello hello, Termination termination, CompletionStage<?> ready) {
        count(Counter.TLS_CERTIFICATE_WAITED);
        parked = true;
        parkDeadline = System.nanoTime() + termination.prepareTimeout().toNanos();
        ctx.loop.arm(timer, parkDeadline);
        ready.whenComplete((value, failure) -> ctx.loop.execute(() -> unpark(hello, termination)));
    }

    private void unpark(Inspection.Hello hello, Termination termination) {
        if (over || !parked) {
            return;
        }
        parked = false;
        ctx.loop.disarm(timer);
        terminate(hello, termination);
    }

    /** Makes the engine and hands the connection to HTTP over TLS (or closes it when no certificate serves it). */
    private void terminate(Inspection.Hello hello, Termination termination) {
        Optional<TlsEngine> made;
        try {
            made = termination.newEngine(hello, remote);
        } catch (RuntimeException e) {
            ProxyEngine.log.warn("TLS front failed to make an engine for {}: {}", hello.serverName().orElse("(no SNI)"), e.toString());
            made = Optional.empty();
        }
        if (made.isEmpty()) {
            count(Counter.TLS_NO_CERTIFICATE);
            close();
            return;
        }
        SSLEngine tls = made.get().engine();
        TlsEngineKind kind = TlsEngineKind.of(made.get().kind());
        engine.counters().count(kind.counter());
        try {
            int size = engine.settings().bufferSize();
            client.startTls(tls, kind, ctx.tlsPlain(kind, tls, size), ctx.tlsNet(kind, tls, size), engine.tlsTasks());
        } catch (IOException | RuntimeException e) {
            if (!client.isTls()) {
                // not taken by the endpoint, so its close will not release it
                kind.release(tls);
            }
            count(Counter.TLS_HANDSHAKE_FAILED);
            close();
            return;
        }
        // A TLS connection writes at least twice (the handshake's flight, then the answer) and the JDK's engine writes
        // its flight in several records: Nagle's algorithm would hold each write after the first for an ACK. nginx
        // and HAProxy set TCP_NODELAY on TLS connections too.
        client.noDelay();
        Http1Connection http = new Http1Connection(engine, ctx, client, remote, termination, true,
                System.nanoTime() + front.helloTimeout().toNanos());
        hello.serverName().ifPresent(http.view()::sni);
        handOver(http);
        client.wantRead(true);
        http.readHead();
        http.rearm();
    }

    /** Routes the connection by its server name (or to the front's default backend) and relays it unchanged. */
    private void passthrough(Inspection.Hello hello, Passthrough relay) {
        PassthroughConnection pass = new PassthroughConnection(engine, ctx, client, remote);
        handOver(pass);
        String serverName = hello.serverName().orElse("-");
        if (hello.serverName().isPresent()) {
            CanonicalHost canonical = HostNames.canonical(hello.serverName().get());
            if (canonical instanceof CanonicalHost.Valid valid) {
                RequestView view = new RequestView(remote);
                view.sni(hello.serverName().get());
                pass.exchange().startPassthrough(serverName, valid.host(), view, relay.backendPort());
                return;
            }
            count(Counter.TLS_PASSTHROUGH_INVALID_SNI);
        }
        Optional<Backend> fallback = relay.defaultBackend().flatMap(n -> engine.directory().backends().all().stream()
                .filter(b -> b.name().equals(n)).findFirst());
        if (fallback.isEmpty()) {
            count(Counter.TLS_PASSTHROUGH_NO_SNI);
            pass.close();
            return;
        }
        pass.exchange().startPassthrough(serverName, fallback.get(), relay.backendPort());
    }

    /** The connection goes on as {@code next}: its readiness, its place among the loop's clients. */
    private void handOver(ClientConnection next) {
        over = true;
        ctx.loop.disarm(timer);
        ctx.handOver(client, this, next);
        if (draining && next instanceof Http1Connection http) {
            http.drain();
        }
    }

    @Override
    public void onFailure(Throwable t) {
        count(Counter.CLIENT_INTERNAL_ERROR);
        close();
    }

    /**
     * Accepted just before the stop: its client is sending a hello, and a request after it, that the connection serves
     * (with Connection: close) if they come within {@code timeout.stop.new.ms}; else it closes then.
     */
    @Override
    public void drain() {
        if (over || draining) {
            return;
        }
        draining = true;
        stopGraceEnds = System.nanoTime() + engine.settings().stopNewNanos();
        if (!parked) {
            ctx.loop.armNoLaterThan(timer, stopGraceEnds);
        }
    }

    @Override
    public void close() {
        if (over) {
            return;
        }
        over = true;
        ctx.loop.disarm(timer);
        client.close();
        ctx.clients.remove(this);
        ctx.tlsClients--;
        engine.counters().activeClients.give();
    }

    private void count(Counter c) {
        engine.counters().count(c);
    }

    @Override
    public String toString() {
        return "TLS client " + clientIp + " (hello)";
    }
}
