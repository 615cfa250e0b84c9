/**
 * HTTP/2 (RFC 9113) without sockets: frames ({@link dev.rsp.core.h2.FrameReader}, {@link dev.rsp.core.h2.FrameWriter}),
 * settings, flow-control windows, stream states, and both sides of a connection as protocol engines: the server side
 * ({@link dev.rsp.core.h2.H2Session}, clients to rsp) with the abuse limits of {@link dev.rsp.core.h2.H2Limits}, and
 * the client side ({@link dev.rsp.core.h2.H2ClientSession}, rsp to h2c backends; see its class comment for how a glue
 * drives it) with {@link dev.rsp.core.h2.H2ClientLimits}. What both do alike is one package-private
 * {@code SessionCore}. HPACK is not here: field blocks are opaque bytes handed to a
 * {@link dev.rsp.core.h2.HeaderBlockDecoder}, and outgoing blocks arrive encoded. Private to the core bundle.
 *
 * <p>How a server connection drives its session (the glue that sits on an {@code Endpoint}; one request, one response):
 * <ol>
 * <li>Create the session ({@code new H2Session(limits, decoder, listener, counters::count)}); write
 *     {@code writeControl(out)} (rsp's SETTINGS and connection WINDOW_UPDATE) before anything else.</li>
 * <li>On each read: {@code onInput(window)} (the window may start with the preface; any size from 9 bytes works).
 *     NEED_INPUT: compact, read again. BLOCKED: {@code writeControl(out)}, flush, call again with the same window.
 *     CLOSE: write {@code writeControl(out)} (the GOAWAY) and close. After each call, write {@code writeControl}.</li>
 * <li>{@code onRequestHead(stream, endStream)}: take the fields from the decoder, {@code stream.attach(downstream)},
 *     start the exchange. {@code onData}: copy the bytes into the stream's request source; report
 *     {@code consumed(stream, n)} as the backend side takes them (that is the WINDOW_UPDATE policy, and
 *     {@code wantRead(false)} simply means not consuming). {@code onTrailers}, {@code onHeadTooLarge} (431),
 *     {@code onReset} (abandon the exchange).</li>
 * <li>Response: encode the head with HPACK, {@code writeHeaders(stream, block, endStream, out)}; body through
 *     {@code writeData(stream, src, endStream, out)}, which takes what {@code sendable(stream)} and {@code out} allow;
 *     when it takes less, wait for {@code onSendWindowOpened(stream)} / {@code onSendWindowsOpened()}. Trailers:
 *     {@code writeHeaders(..., true, ...)}. An early response with the request still arriving: {@code reset(stream,
 *     NO_ERROR)} after it. A broken backend after the response began: {@code reset(stream, INTERNAL_ERROR)}.</li>
 * <li>Drain (a stop, the client's GOAWAY): {@code goAway(true)}, later {@code goAway(false)} if the PING does not
 *     come back in time; close when {@code finished()} and the output is flushed.</li>
 * </ol>
 * Timers are the glue's: the header timeout while {@code headerBlockInProgress()}, idle, SETTINGS ACK.
 */
package dev.rsp.core.h2;
