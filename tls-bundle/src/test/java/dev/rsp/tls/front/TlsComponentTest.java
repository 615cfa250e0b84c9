package dev.rsp.tls.front;

import dev.rsp.tls.Poll;
import static dev.rsp.tls.certs.TestCerts.cert;
import static dev.rsp.tls.certs.TestCerts.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.spi.tls.EngineKind;
import dev.rsp.spi.tls.Inspection;
import dev.rsp.spi.tls.Passthrough;
import dev.rsp.spi.tls.Termination;
import dev.rsp.spi.tls.TlsEngine;
import dev.rsp.spi.tls.TlsFront;
import dev.rsp.tls.audit.CertsAuditCommand;
import dev.rsp.tls.certs.TestCerts;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** The component against a recording BundleContext: what it registers, when it re-registers, what it keeps. */
class TlsComponentTest {

    @TempDir
    Path dir;
    final List<Registered> registered = new ArrayList<>();
    final TlsComponent component = new TlsComponent();

    {
        component.applier = Runnable::run;
    }

    /** One registerService call and whether it was unregistered since. */
    static final class Registered {
        final String type;
        final Object service;
        boolean live = true;

        Registered(String type, Object service) {
            this.type = type;
            this.service = service;
        }
    }

    BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("registerService")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    Registered r = new Registered(((Class<?>) args[0]).getName(), args[1]);
                    registered.add(r);
                    return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ServiceRegistration.class},
                            (p, m, a) -> {
                                if (m.getName().equals("unregister")) {
                                    r.live = false;
                                    return null;
                                }
                                throw new UnsupportedOperationException(m.getName());
                            });
                });
    }

    List<TlsFront> liveFronts() {
        return registered.stream().filter(r -> r.live && r.type.equals(TlsFront.class.getName()))
                .map(r -> (TlsFront) r.service).toList();
    }

    Map<String, Object> config(String... keyValues) {
        Map<String, Object> m = new HashMap<>();
        m.put("certs.dir", dir.toString());
        m.put("certs.poll.ms", "0");
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    @AfterEach
    void stop() {
        component.deactivate();
        assertTrue(registered.stream().noneMatch(r -> r.live), "everything unregistered");
    }

    @Test
    void registersAFrontAndTheAuditCommand() {
        component.activate(context(), config("listen", "127.0.0.1:0"));
        assertEquals(1, liveFronts().size());
        assertEquals(new InetSocketAddress("127.0.0.1", 0), liveFronts().get(0).listenAddress());
        assertTrue(registered.stream().anyMatch(r -> r.live && r.service instanceof CertsAuditCommand));
    }

    @Test
    void aBadConfigurationKeepsTheLastGoodOne() {
        component.activate(context(), config("listen", "127.0.0.1:0", "hello.max.bytes", "4096"));
        TlsFront front = liveFronts().get(0);
        component.modified(config("listen", "127.0.0.1:0", "mode", "sideways", "hello.max.bytes", "2048"));
        component.modified(config("listen", "nowhere", "hello.max.bytes", "2048"));
        assertSame(front, liveFronts().get(0), "not re-registered");
        assertEquals(4096, front.maxHelloBytes(), "nothing of a bad configuration applies");
        assertInstanceOf(Termination.class, front.handling());
    }

    @Test
    void aTerminatingFrontReportsItsOcspAndCertificateCountersFromZeroAndAPassthroughOneNone() {
        component.activate(context(), config("listen", "127.0.0.1:0", "ocsp.fetch.timeout.ms", "2s"));
        Map<String, Long> events = liveFronts().get(0).events();
        assertEquals(List.of("tls.ocsp.fetched", "tls.ocsp.unfit", "tls.ocsp.fetch.timeout", "tls.ocsp.fetch.too_large",
                "tls.ocsp.fetch.status", "tls.ocsp.fetch.failed", "tls.certs.cache.hit", "tls.certs.cache.miss",
                "tls.certs.cache.load", "tls.certs.cache.load_failed", "tls.certs.cache.evicted", "tls.certs.cache.dropped",
                "tls.certs.not_ready", "tls.certs.on_demand"), List.copyOf(events.keySet()));
        assertTrue(events.values().stream().allMatch(n -> n == 0), events.toString());
        component.modified(config("listen", "127.0.0.1:0", "mode", "passthrough"));
        assertEquals(Map.of(), liveFronts().get(0).events());
    }

    @Test
    void listenOrModeChangesReRegisterOtherChangesDoNot() {
        component.activate(context(), config("listen", "127.0.0.1:0"));
        TlsFront first = liveFronts().get(0);
        component.modified(config("listen", "127.0.0.1:0", "hello.max.bytes", "2048"));
        assertSame(first, liveFronts().get(0));
        assertEquals(2048, first.maxHelloBytes());
        component.modified(config("listen", "127.0.0.1:0", "hello.max.bytes", "2048", "mode", "passthrough"));
        assertEquals(1, liveFronts().size());
        TlsFront second = liveFronts().get(0);
        assertInstanceOf(Passthrough.class, second.handling());
        component.modified(config("listen", "127.0.0.2:0", "mode", "passthrough"));
        assertEquals(new InetSocketAddress("127.0.0.2", 0), liveFronts().get(0).listenAddress());
        assertEquals(3, registered.stream().filter(r -> r.type.equals(TlsFront.class.getName())).count());
    }

    @Test
    void certificateChangesDoNotReRegister() throws Exception {
        component.activate(context(), config("listen", "127.0.0.1:0", "certs.poll.ms", "0"));
        TlsFront front = liveFronts().get(0);
        Inspection.Hello hello = new Inspection.Hello(Optional.of("new.example"), List.of(), List.of("TLSv1.3"));
        assertEquals(Optional.empty(), ((Termination) front.handling()).newEngine(hello, new InetSocketAddress("127.0.0.1", 1)));
        TestCerts.pair(dir, "new.example", key("ec"), cert(key("ec"), "new.example", List.of("new.example")));
        // a configuration event re-reads nothing by itself; the poll does: here, a changed password triggers a re-read
        component.modified(config("listen", "127.0.0.1:0", "certs.poll.ms", "0", "key.password", "x"));
        Optional<TlsEngine> made = ((Termination) front.handling()).newEngine(hello, new InetSocketAddress("127.0.0.1", 1));
        assertTrue(made.isPresent());
        made.get().kind().release(made.get().engine());
        // the new certificate got its native context too (engine = auto) where BoringSSL loads
        assertSame(TerminationHandshakeTest.nativeLoads() ? NativeTls.KIND : EngineKind.JSSE, made.get().kind());
        assertSame(front, liveFronts().get(0));
    }

    @Test
    void theEngineChoiceAppliesOnReloadAndAWrongOneKeepsTheLastGood() {
        component.activate(context(), config("listen", "127.0.0.1:0", "engine", "jsse"));
        Termination termination = (Termination) liveFronts().get(0).handling();
        assertSame(EngineKind.JSSE, termination.engineKind());
        component.modified(config("listen", "127.0.0.1:0", "engine", "fast"));
        assertSame(EngineKind.JSSE, termination.engineKind(), "engine = fast is refused, jsse stays");
        component.modified(config("listen", "127.0.0.1:0", "engine", "auto"));
        assertSame(TerminationHandshakeTest.nativeLoads() ? NativeTls.KIND : EngineKind.JSSE, termination.engineKind());
        component.modified(config("listen", "127.0.0.1:0", "engine", "native", "alpn", "h2, http/1.1"));
        if (TerminationHandshakeTest.nativeLoads()) {
            assertEquals("boringssl", termination.engineKind().name());
        } else {
            assertSame(EngineKind.JSSE, termination.engineKind(), "native where it cannot load is refused");
        }
        assertEquals(1, liveFronts().size(), "the same registration throughout");
    }

    @Test
    void theAcmeManagersStorageIsIndexedRescannedWhenItSaysSoAndKeptWhenItGoes() throws Exception {
        Path storage = dir.resolve("acme");
        TestCerts.write(storage.resolve("first.example.pem"), TestCerts.pem(cert(key("ec"), "first.example",
                List.of("first.example"))) + TestCerts.pkcs8(key("ec").getPrivate()));
        FakeCertificateManager manager = new FakeCertificateManager(storage);
        component.bindManager(manager); // Declarative Services binds a present service before activating
        component.activate(context(), config("listen", "127.0.0.1:0"));
        TlsFront front = liveFronts().get(0);
        assertEquals(List.of("first.example"), front.certificates("", 10).get(0).names());
        assertEquals("acme", front.certificates("", 10).get(0).source());

        TestCerts.write(storage.resolve("second.example.pem"), TestCerts.pem(cert(key("ec"), "second.example",
                List.of("second.example"))) + TestCerts.pkcs8(key("ec").getPrivate()));
        manager.storageChanged.run(); // certs.poll.ms = 0: only the manager's word brings it in
        Poll.until("the second certificate indexed", java.time.Duration.ofSeconds(10), () -> front.certificateCount() >= 2);
        assertEquals(2, front.certificateCount());

        component.unbindManager(manager);
        assertEquals(2, front.certificateCount(), "what the ACME component stored stays served once it is gone "
                + "(its renewals stop; a restart serves it before the component comes back: AcmeStorageMemory)");
        assertTrue(registered.stream().anyMatch(r -> r.live && r.service instanceof CertsCommand), "rsp:certs");
        CertsCommand command = (CertsCommand) registered.stream().filter(r -> r.service instanceof CertsCommand)
                .findFirst().orElseThrow().service;
        String listed = (String) command.execute(null, List.of());
        assertTrue(listed.startsWith("2 certificate(s) indexed"), listed);
    }

    @Test
    void withoutConfigurationTheDefaultsApply() {
        component.activate(context(), Map.of("component.name", "dev.rsp.tls.front.TlsComponent"));
        TlsFront front = liveFronts().get(0);
        assertEquals(8443, front.listenAddress().getPort());
        assertInstanceOf(TlsFrontService.class, front);
    }
}
