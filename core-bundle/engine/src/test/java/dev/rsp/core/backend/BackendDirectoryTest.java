package dev.rsp.core.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A removed backend stays reachable for one change, for requests routed by the snapshot before it. */
class BackendDirectoryTest {

    static final Backend A = new Backend("a", "127.0.0.1", 9001, 1);
    static final Backend B = new Backend("b", "127.0.0.1", 9002, 1);

    private final BackendResolver resolver = new BackendResolver();

    private BackendDirectory resolve(Backends backends) {
        return resolver.directory(backends);
    }

    @Test
    void removedBackendKeepsItsAddressForOneChangeButNoPoolKey() {
        BackendDirectory both = resolve(new Backends(1, List.of(A, B))).keepingRemoved(BackendDirectory.EMPTY);
        String keyA = both.poolKey(A);
        assertTrue(both.hasPoolKey("a", keyA));

        BackendDirectory onlyB = resolve(new Backends(2, List.of(B))).keepingRemoved(both);
        InetSocketAddress a = onlyB.address(A);
        assertFalse(a.isUnresolved(), "a request routed by the previous snapshot can still connect");
        assertEquals(new InetSocketAddress("127.0.0.1", 9001), a);
        assertFalse(onlyB.hasPoolKey("a", keyA), "connections to a removed backend are not pooled");
        assertEquals(List.of(B), onlyB.backends().all());

        BackendDirectory later = resolve(new Backends(3, List.of(B))).keepingRemoved(onlyB);
        assertTrue(later.address(A).isUnresolved(), "gone after the next change");
        assertFalse(later.addresses().containsKey("a"));
    }

    @Test
    void switchingABackendToTlsOrToAnotherTlsModeChangesItsPoolKey() {
        Backend plain = new Backend("a", "127.0.0.1", 9001, 1);
        Backend verified = new Backend("a", "127.0.0.1", 9001, 1, Backend.Protocol.HTTP1, Backend.Tls.VERIFIED);
        Backend insecure = new Backend("a", "127.0.0.1", 9001, 1, Backend.Protocol.HTTP1, Backend.Tls.INSECURE);
        Backend h2Verified = new Backend("a", "127.0.0.1", 9001, 1, Backend.Protocol.H2, Backend.Tls.VERIFIED);
        List<String> keys = List.of(plain, verified, insecure, h2Verified).stream()
                .map(b -> resolve(new Backends(1, List.of(b))).poolKey(b)).toList();
        assertEquals(4, keys.stream().distinct().count(), "no connection is reused across a switch: " + keys);
    }
}
