package dev.rsp.core.backend;

/**
 * Where backends come from: the configuration file ({@code rsp.backends}) today; etcd (list and watch) and DNS are
 * meant to be further implementations beside it. A source only finds and validates backend sets; it neither
 * resolves their host names, nor numbers them, nor builds routing: {@link BackendPublisher} does that, for every
 * source alike.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #open} is called once, before anything else; from then on the source offers each complete, validated
 *       set to the sink whenever what it knows changes (also a set equal to the last one is allowed: it is ignored).
 *       It may offer from any thread; an offer never blocks.</li>
 *   <li>Validation failures are the source's to report (one log line per problem); an invalid set is never offered,
 *       so the last good set stays published. A source that cannot reach its store (etcd unreachable) offers nothing
 *       for the same reason.</li>
 *   <li>A source does not resolve the hosts of the backends it offers; the publisher's {@link BackendResolver} does,
 *       for traffic and the active health check alike.</li>
 *   <li>{@link #close}: no offer after it returns; may be called from any thread.</li>
 * </ul>
 *
 * <p>Internal to the core bundle for now: with one source, the file, nothing outside the bundle provides one. When a
 * source needs its own bundle (etcd brings a client library the core should not import), this interface moves
 * unchanged into a versioned SPI package ({@code dev.rsp.spi.backend}); its signature already uses only SPI and JDK
 * types.
 */
public interface BackendSource extends AutoCloseable {

    /** A short stable name for log lines and for {@link SourcedBackends#source()}, e.g. {@code rsp.backends}. */
    String name();

    /** Starts offering sets to {@code sink}. Called once, on a configuration thread; must not block. */
    void open(BackendSink sink);

    /** Stops offering; must not block for long (a watch is cancelled, not awaited). */
    @Override
    void close();
}
