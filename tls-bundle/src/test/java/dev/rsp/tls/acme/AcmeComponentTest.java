package dev.rsp.tls.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.rsp.spi.tls.HttpChallenges;
import dev.rsp.tls.certs.CertificateManager;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** The component against a recording BundleContext: what it registers and what a configuration change keeps. */
class AcmeComponentTest {

    @TempDir
    Path storage;
    private final List<Object[]> registered = new ArrayList<>();
    private final List<String> startFailures = new ArrayList<>();
    private final AcmeComponent component = new AcmeComponent();

    @Test
    void registersTheChallengesAndTheManagerAndKeepsTheLastGoodConfiguration() {
        component.activate(context(), config("ops@example.com"));
        assertEquals(List.of(HttpChallenges.class.getName(), CertificateManager.class.getName()), live());
        CertificateManager first = manager();
        assertEquals(storage, first.storage());

        component.modified(Map.of("directory.url", "https://ca.example.net/dir", "key.type", "dsa"));
        assertSame(first, manager(), "a bad change keeps the running client");

        component.modified(config("admin@example.com"));
        assertNotSame(first, manager(), "a good change replaces it");
        assertEquals(List.of(HttpChallenges.class.getName(), CertificateManager.class.getName()), live());

        component.deactivate();
        assertEquals(List.of(), live());
        assertEquals(List.of(), startFailures);
    }

    @Test
    void aBadConfigurationAtActivationFailsTheStart() {
        component.activate(context(), Map.of("names", "a.example.com"));
        assertEquals(1, startFailures.size());
        assertEquals(true, startFailures.get(0).contains("directory.url: required"), startFailures.get(0));
        assertEquals(List.of(HttpChallenges.class.getName()), live(), "no certificate manager");
        component.deactivate();
    }

    private Map<String, Object> config(String email) {
        // no names and on demand off: nothing is ordered, the CA (unreachable) is never asked
        return Map.of("directory.url", "https://127.0.0.1:9/dir", "email", email, "storage", storage.toString());
    }

    private List<String> live() {
        return registered.stream().filter(r -> (boolean) r[2]).map(r -> (String) r[0]).toList();
    }

    private CertificateManager manager() {
        return registered.stream().filter(r -> (boolean) r[2] && r[0].equals(CertificateManager.class.getName()))
                .map(r -> (CertificateManager) r[1]).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getServiceReferences":
                            return List.of(reference());
                        case "getService":
                            return (java.util.function.Consumer<String>) startFailures::add;
                        case "ungetService":
                            return true;
                        case "registerService":
                            Object[] r = {((Class<?>) args[0]).getName(), args[1], true};
                            registered.add(r);
                            // as a framework's: only unregister() ends it (the component's readiness check, on
                            // its checker thread, asks getReference() whenever it likes)
                            return Proxy.newProxyInstance(getClass().getClassLoader(),
                                    new Class<?>[] {ServiceRegistration.class}, (p, m, a) -> {
                                        switch (m.getName()) {
                                            case "unregister":
                                                r[2] = false;
                                                return null;
                                            case "getReference":
                                                return reference();
                                            default:
                                                throw new UnsupportedOperationException(m.getName());
                                        }
                                    });
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    private Object reference() {
        return Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {org.osgi.framework.ServiceReference.class}, (p, m, a) -> null);
    }
}
