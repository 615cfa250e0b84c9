package dev.rsp.core.proxy;

import dev.rsp.core.trace.SpanExport;

/** The span export's outcomes as the engine's counters ({@code trace.*}). Any thread. */
final class TraceCounts implements SpanExport.Counts {

    private final ProxyCounters counters;

    TraceCounts(ProxyCounters counters) {
        this.counters = counters;
    }

    @Override
    public void exported(int spans) {
        counters.add(Counter.TRACE_SPANS_EXPORTED, spans);
    }

    @Override
    public void dropped(int spans) {
        counters.add(Counter.TRACE_SPANS_DROPPED, spans);
    }

    @Override
    public void failed(int spans) {
        counters.count(Counter.TRACE_EXPORT_FAILED);
        counters.add(Counter.TRACE_SPANS_FAILED, spans);
    }

    @Override
    public void retried() {
        counters.count(Counter.TRACE_EXPORT_RETRIED);
    }
}
