package dev.rsp.tls.front;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ACME storage served before the ACME component comes after a restart, and after it goes. */
class AcmeStorageMemoryTest {

    @TempDir
    Path dir;

    @Test
    void theStorageLastServedIsServedAgainFromTheStartAndWhileTheComponentIsAway() throws Exception {
        Path file = dir.resolve("acme-storage.txt");
        Path first = dir.resolve("etc/certs/acme");
        AcmeStorageMemory memory = AcmeStorageMemory.in(Optional.of(file));
        assertEquals(Optional.empty(), memory.now(Optional.empty()), "nothing known, nothing served");
        assertEquals(Optional.of(first), memory.now(Optional.of(first)));
        assertEquals(Optional.of(first), memory.now(Optional.empty()), "the component went: its certificates stay");

        AcmeStorageMemory restarted = AcmeStorageMemory.in(Optional.of(file));
        assertEquals(Optional.of(first.toAbsolutePath()), restarted.now(Optional.empty()), "served before the component comes");
        Path moved = dir.resolve("elsewhere");
        assertEquals(Optional.of(moved), restarted.now(Optional.of(moved)), "a new storage replaces it");
        assertEquals(moved.toAbsolutePath().toString(), Files.readString(file).strip());
    }

    @Test
    void withoutADataAreaOnlyTheRunningComponentsStorageIsServed() {
        AcmeStorageMemory none = AcmeStorageMemory.in(Optional.empty());
        assertEquals(Optional.empty(), none.now(Optional.empty()));
        assertEquals(Optional.of(dir), none.now(Optional.of(dir)));
    }
}
