/**
 * The TLS SPI of rsp: what a TLS bundle provides so that the core can serve a TLS listener without importing it.
 *
 * <p>A TLS bundle registers a {@link dev.rsp.spi.tls.TlsFront} service. For each such service the core listens on
 * {@link dev.rsp.spi.tls.TlsFront#listenAddress()} with its own event loops. Every connection accepted there starts
 * by peeking: the core reads bytes and asks {@link dev.rsp.spi.tls.TlsFront#inspect} until the answer is a
 * {@link dev.rsp.spi.tls.Inspection.Hello} or a {@link dev.rsp.spi.tls.Inspection.Reject}. Nothing is consumed by
 * inspecting. Then, by the type of {@link dev.rsp.spi.tls.TlsFront#handling()}:
 * <ul>
 *   <li>{@link dev.rsp.spi.tls.Passthrough}: the core routes by the server name through the routing chain, as if it
 *       were the Host, replays the peeked bytes to the chosen backend and relays both directions byte for byte;</li>
 *   <li>{@link dev.rsp.spi.tls.Termination}: the core asks it for a server-mode {@link javax.net.ssl.SSLEngine}
 *       and its kind ({@link dev.rsp.spi.tls.TlsEngine}), drives it on its loop (delegated tasks run elsewhere),
 *       releases it through its kind when the connection closes, and proxies the decrypted HTTP requests like those of
 *       the HTTP listener, with {@code X-Forwarded-Proto: https}. A request whose Host the connection's certificate
 *       does not cover ({@link dev.rsp.spi.tls.Termination#covers}) gets 421.</li>
 * </ul>
 *
 * <p>0.7.0: {@link dev.rsp.spi.tls.TlsFront#proxyProtocol()} ({@link dev.rsp.spi.tls.ProxyProtocol}): the listener's
 * connections start with a PROXY protocol header, read by the core before the ClientHello (a default method).
 *
 * <p>0.6.0: certificates that are not ready at once ({@link dev.rsp.spi.tls.Termination#prepare}: loaded off the
 * loop, or issued by ACME, while the core parks the connection); {@link dev.rsp.spi.tls.Inspection.Hello#signatureSchemes};
 * {@link dev.rsp.spi.tls.TlsFront#certificates} ({@link dev.rsp.spi.tls.CertificateInfo}) for the admin API; and
 * {@link dev.rsp.spi.tls.HttpChallenges}, ACME HTTP-01 answers the core gives before routing. All additions.
 *
 * <p>0.5.0: {@link dev.rsp.spi.tls.TlsFront#events()} gives the core the counters a front keeps itself (a default
 * method: a front that counts nothing need not implement it).
 *
 * <p>0.4.0: {@link dev.rsp.spi.tls.EngineKind#resumed} tells a resumed handshake from a full one (a default method:
 * a kind whose sessions keep their creation time need not implement it).
 *
 * <p>0.3.0: {@link dev.rsp.spi.tls.Termination#newEngine} returns a {@link dev.rsp.spi.tls.TlsEngine}, the engine with
 * its {@link dev.rsp.spi.tls.EngineKind} (which the core releases exactly once per engine), and
 * {@link dev.rsp.spi.tls.Termination#engineKind()} names the kind in force (a breaking change).
 *
 * <p>0.2.0: the two modes are types ({@link dev.rsp.spi.tls.TlsHandling}) instead of an enum and mode-specific
 * methods on {@code TlsFront} (a breaking change).
 *
 * <p>Removing the service closes the listener; connections already open finish.
 */
@Export
@Version("0.7.0")
package dev.rsp.spi.tls;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
