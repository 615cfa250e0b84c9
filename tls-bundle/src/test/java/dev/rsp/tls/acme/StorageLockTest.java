package dev.rsp.tls.acme;

import dev.rsp.tls.acme.ondemand.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageLockTest {

    @TempDir
    Path storage;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
    private final AtomicInteger takenOver = new AtomicInteger();

    @Test
    void oneHolderAtATimeUntilReleased() throws Exception {
        StorageLock a = new StorageLock(storage, "a", clock, Duration.ofMinutes(15));
        StorageLock b = new StorageLock(storage, "b", clock, Duration.ofMinutes(15));
        StorageLock.Held held = assertInstanceOf(StorageLock.Held.class, a.tryLock("x.example.com", takenOver::incrementAndGet));
        assertEquals("a " + clock.millis() + "\n", Files.readString(storage.resolve("locks/x.example.com.lock")));
        StorageLock.Busy busy = assertInstanceOf(StorageLock.Busy.class, b.tryLock("x.example.com", takenOver::incrementAndGet));
        assertEquals("a", busy.owner());
        assertEquals(clock.instant(), busy.since());
        assertInstanceOf(StorageLock.Held.class, b.tryLock("y.example.com", takenOver::incrementAndGet), "locks are per name");

        held.close();
        assertFalse(Files.exists(storage.resolve("locks/x.example.com.lock")));
        assertInstanceOf(StorageLock.Held.class, b.tryLock("x.example.com", takenOver::incrementAndGet));
        assertEquals(0, takenOver.get());
    }

    @Test
    void aStaleLockIsTakenOverAndItsFormerHolderDoesNotRemoveTheNewOne() throws Exception {
        StorageLock a = new StorageLock(storage, "a", clock, Duration.ofMinutes(15));
        StorageLock b = new StorageLock(storage, "b", clock, Duration.ofMinutes(15));
        StorageLock.Held old = (StorageLock.Held) a.tryLock("x.example.com", takenOver::incrementAndGet);
        clock.advance(Duration.ofMinutes(14));
        assertInstanceOf(StorageLock.Busy.class, b.tryLock("x.example.com", takenOver::incrementAndGet));
        clock.advance(Duration.ofMinutes(2));
        assertInstanceOf(StorageLock.Held.class, b.tryLock("x.example.com", takenOver::incrementAndGet));
        assertEquals(1, takenOver.get());

        old.close();
        assertTrue(Files.readString(storage.resolve("locks/x.example.com.lock")).startsWith("b "),
                "the late holder leaves the new lock alone");
    }
}
