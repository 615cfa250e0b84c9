package dev.rsp.core.proxy;

import dev.rsp.core.http.HttpHead;
import dev.rsp.core.net.ByteSource;
import java.nio.ByteBuffer;

/**
 * Response compression as one exchange's relay uses it: {@link #plan} decides for a final response head
 * ({@link ResponseCompression}) and edits it, {@link #source} gives the response pipe what to read (the backend, or a
 * {@link GzipSource} over it), {@link #close} ends the compressor. One per relay; loop thread only.
 *
 * <p>Ownership: the stage owns the current {@link GzipSource} and closes it when the response is done, when the next
 * response begins, and when the exchange ends (the relay's release), so its native memory never outlives the exchange.
 */
final class CompressionStage {

    private ResponseCompression.Plan plan = ResponseCompression.Plan.AS_IS;
    private GzipSource gzip;

    /**
     * Decides for response {@code h} (in {@code src}) and, when it is compressed, reframes it chunked; returns the
     * edits to encode it with: {@code edits} (from {@link ResponseEdits#prepare}, maybe null) plus compression's.
     */
    ResponseEdits plan(ProxyEngine engine, LoopContext ctx, ExchangeFacts facts, ByteBuffer src, HttpHead h,
            ResponseFraming framing, ResponseEdits edits) {
        close();
        CompressionSettings settings = engine.settings().compression();
        plan = settings.gzip() ? ResponseCompression.plan(settings, facts, src, h, framing, engine.counters())
                : ResponseCompression.Plan.AS_IS;
        if (plan.compresses()) {
            h.reframeChunked(src);
        }
        return ctx.responseEdits(engine.counters()).encoding(edits, plan);
    }

    /** Whether the planned response is compressed: its pipe reads {@link #source} with CHUNKED framing. */
    boolean compresses() {
        return plan.compresses();
    }

    /**
     * What the response pipe reads: {@code backend} itself, or the compressing stage over the body it frames as
     * {@code framing}; {@code resume} runs the pipe again (see {@link GzipSource}).
     */
    ByteSource source(ProxyEngine engine, LoopContext ctx, ByteSource backend, ResponseFraming framing, Runnable resume) {
        if (!plan.compresses()) {
            return backend;
        }
        BodyPieces body = new BodyPieces(backend, framing.framing(), framing.length(), engine.newChunkedScanner());
        gzip = new GzipSource(body, backend, engine.settings().compression().level(), ctx.loop, resume, engine.counters());
        return gzip;
    }

    /** Ends the compressor of the current response, if any; idempotent. */
    void close() {
        if (gzip != null) {
            gzip.close();
            gzip = null;
        }
    }
}
