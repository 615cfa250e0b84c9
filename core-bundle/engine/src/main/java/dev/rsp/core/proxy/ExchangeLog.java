package dev.rsp.core.proxy;

/**
 * An exchange's outcome in the loop's metrics and the access log. Static: the facts come from the exchange. Loop
 * thread only.
 */
final class ExchangeLog {

    private ExchangeLog() {
    }

    /**
     * The outcome is known: one record in the loop's metrics and, except for a tunnel (whose line is written when it
     * ends), one access log line. {@code in} and {@code out} are body bytes each way.
     */
    static void outcome(ProxyEngine engine, LoopContext ctx, Downstream down, ExchangeFacts f, boolean backendInUse,
            long in, long out) {
        record(ctx, down, f, backendInUse, in, out);
        if (!f.tunnel) {
            line(engine, down, f, in, out);
        }
    }

    /**
     * Adds the exchange to the loop's metrics: listener, TLS share, strategy (when one decided) and backend (when one
     * was in use). Two map lookups and plain increments; allocates only the first time a backend or strategy is seen.
     */
    private static void record(LoopContext ctx, Downstream down, ExchangeFacts f, boolean backendInUse, long in, long out) {
        long micros = (System.nanoTime() - f.started) / 1000;
        ctx.metrics.listener().record(f.status, in, out, micros);
        if (down.onTlsListener()) {
            ctx.metrics.tls().record(f.status, in, out, micros);
        }
        if (!f.strategy.isEmpty()) {
            ctx.metrics.strategy(f.strategy).record(f.status, in, out, micros);
        }
        ctx.metrics.protocol(f.passthrough ? "tls" : f.http10 ? "HTTP/1.0" : down.protocol()).record(f.status, in, out, micros);
        if (backendInUse) {
            ctx.metrics.backend(f.backendName).record(f.status, in, out, micros);
        }
    }

    /** One access log line (when the access log is on); {@code in} and {@code out} are body bytes each way. */
    static void line(ProxyEngine engine, Downstream down, ExchangeFacts f, long in, long out) {
        if (!engine.accessLogOn()) {
            return;
        }
        long micros = (System.nanoTime() - f.started) / 1000;
        String scheme = f.passthrough ? "tls" : down.tls() ? "https" : "http";
        String version = f.passthrough || f.method.equals("-") ? "-" : f.http10 ? "HTTP/1.0" : down.protocol();
        AccessLog.Entry e = new AccessLog.Entry(System.currentTimeMillis(),
                f.clientIp != null ? f.clientIp : down.clientIp(), scheme, f.method, f.target,
                version, f.host.isEmpty() ? "-" : f.host, f.status, in, out, f.userAgent, f.referer, f.backendName,
                f.strategy.isEmpty() ? "-" : f.strategy, since(f, f.connectedAt), since(f, f.firstByteAt), micros,
                f.tunnel, f.error, f.trace.traceId());
        engine.accessLine(AccessLog.line(engine.settings().accessLogFormat(), e));
    }

    private static long since(ExchangeFacts f, long nanos) {
        return nanos == 0 ? -1 : (nanos - f.started) / 1000;
    }
}
