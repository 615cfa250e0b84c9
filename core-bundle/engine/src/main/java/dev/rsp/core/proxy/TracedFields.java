package dev.rsp.core.proxy;

import java.nio.ByteBuffer;

/**
 * A request's fields with rsp's {@code traceparent} in place of the client's ({@link ExchangeTrace#forwarded}): the
 * received {@code traceparent} fields are not forwarded, nor {@code tracestate} when the trace was restarted, and one
 * field more, the last, is rsp's {@code traceparent}. {@link HeadWriter} writes the backend's head from it like from
 * any other {@link RequestFields}. Loop thread only.
 */
final class TracedFields implements RequestFields {

    private final RequestFields request;
    private final String traceparent;
    private final boolean dropTraceState;

    TracedFields(RequestFields request, String traceparent, boolean dropTraceState) {
        this.request = request;
        this.traceparent = traceparent;
        this.dropTraceState = dropTraceState;
    }

    private boolean own(int i) {
        return i == request.fieldCount();
    }

    @Override
    public String method() {
        return request.method();
    }

    @Override
    public void writeTarget(ByteBuffer out) {
        request.writeTarget(out);
    }

    @Override
    public int versionMinor() {
        return request.versionMinor();
    }

    @Override
    public String forwardedHost() {
        return request.forwardedHost();
    }

    @Override
    public boolean hostFromTarget() {
        return request.hostFromTarget();
    }

    @Override
    public int fieldCount() {
        return request.fieldCount() + 1;
    }

    @Override
    public boolean nameIs(int i, String lowerCaseName) {
        return own(i) ? lowerCaseName.equals("traceparent") : request.nameIs(i, lowerCaseName);
    }

    @Override
    public boolean forwardedAsSent(int i) {
        return own(i) || request.forwardedAsSent(i) && !request.nameIs(i, "traceparent")
                && !(dropTraceState && request.nameIs(i, "tracestate"));
    }

    @Override
    public void writeField(int i, ByteBuffer out) {
        if (own(i)) {
            HeadWriter.ascii(out, "traceparent: ");
            HeadWriter.ascii(out, traceparent);
            HeadWriter.ascii(out, "\r\n");
        } else {
            request.writeField(i, out);
        }
    }

    @Override
    public void writeValue(int i, ByteBuffer out) {
        if (own(i)) {
            HeadWriter.ascii(out, traceparent);
        } else {
            request.writeValue(i, out);
        }
    }

    @Override
    public String value(int i) {
        return own(i) ? traceparent : request.value(i);
    }

    @Override
    public boolean rewritesFraming() {
        return request.rewritesFraming();
    }

    @Override
    public String transferCodings() {
        return request.transferCodings();
    }

    @Override
    public long contentLength() {
        return request.contentLength();
    }
}
