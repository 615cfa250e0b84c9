package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Slot accounting of one backend's concurrency gate: taken, queued, granted, withdrawn, always given back once. */
class SlotGateTest {

    /** A waiter that records its grant (on the releasing thread, as a loop task would be queued). */
    static final class Recording extends SlotGate.Waiter {
        final CountDownLatch grant = new CountDownLatch(1);

        @Override
        void granted() {
            grant.countDown();
        }

        boolean wasGranted() {
            return grant.getCount() == 0;
        }
    }

    @Test
    void takesUpToTheLimitThenQueuesThenRefuses() {
        SlotGate g = new SlotGate();
        assertTrue(g.tryTake(2));
        assertTrue(g.tryTake(2));
        assertFalse(g.tryTake(2));
        Recording first = new Recording();
        assertEquals(SlotGate.Admission.QUEUED, g.enqueue(first, 1));
        assertEquals(SlotGate.Admission.FULL, g.enqueue(new Recording(), 1));
        assertEquals(1, g.queued());
        assertFalse(first.wasGranted());
        g.release();
        assertTrue(first.wasGranted(), "a freed slot goes to the waiter");
        assertEquals(2, g.inFlight(), "handed over, not freed");
        assertEquals(0, g.queued());
        g.release();
        g.release();
        assertEquals(0, g.inFlight());
    }

    @Test
    void aWithdrawnWaiterHoldsNothingAndGetsNothing() {
        SlotGate g = new SlotGate();
        assertTrue(g.tryTake(1));
        Recording w = new Recording();
        assertEquals(SlotGate.Admission.QUEUED, g.enqueue(w, 5));
        assertTrue(g.withdraw(w));
        assertEquals(0, g.queued());
        g.release();
        assertFalse(w.wasGranted());
        assertEquals(0, g.inFlight());
        assertFalse(g.withdraw(w) && w.wasGranted());
    }

    @Test
    void withdrawingAfterTheGrantSaysTheSlotIsTheWaiters() {
        SlotGate g = new SlotGate();
        assertTrue(g.tryTake(1));
        Recording w = new Recording();
        g.enqueue(w, 5);
        g.release();
        assertTrue(w.wasGranted());
        assertFalse(g.withdraw(w), "granted: the waiter owns the slot and must release it");
        assertEquals(1, g.inFlight());
        g.release();
        assertEquals(0, g.inFlight());
    }

    @Test
    void aFreeSlotIsGrantedToANewWaiterAtOnce() {
        SlotGate g = new SlotGate();
        Recording w = new Recording();
        assertEquals(SlotGate.Admission.QUEUED, g.enqueue(w, 5));
        assertTrue(w.wasGranted(), "nothing in flight: the slot is granted while enqueuing");
        assertEquals(1, g.inFlight());
    }

    @Test
    void aRaisedLimitServesTheWaitersBeforeANewcomer() {
        SlotGate g = new SlotGate();
        assertTrue(g.tryTake(1));
        Recording waiting = new Recording();
        g.enqueue(waiting, 5);
        assertFalse(waiting.wasGranted());
        assertFalse(g.tryTake(2), "the slot the new limit frees goes to the waiter, not to the newcomer");
        assertTrue(waiting.wasGranted());
        assertEquals(2, g.inFlight());
        assertTrue(g.tryTake(3));
    }

    @Test
    void queueSizeZeroRefusesEveryWaiter() {
        SlotGate g = new SlotGate();
        assertTrue(g.tryTake(1));
        assertEquals(SlotGate.Admission.FULL, g.enqueue(new Recording(), 0));
        assertEquals(0, g.queued());
    }

    /**
     * Eight threads take, queue, withdraw and release at random (fixed seeds) against a limit of 3: never more than 3
     * hold a slot at once, no waiter is left behind a free slot, and at the end nothing is in flight or queued.
     */
    @Test
    void racingThreadsNeverExceedTheLimitAndBalance() throws Exception {
        SlotGate g = new SlotGate();
        int limit = 3;
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Random random = new Random(42 + t);
            Thread th = new Thread(() -> {
                try {
                    for (int i = 0; i < 20_000; i++) {
                        boolean holding;
                        if (g.tryTake(limit)) {
                            holding = true;
                        } else {
                            Recording w = new Recording();
                            if (g.enqueue(w, 4) == SlotGate.Admission.FULL) {
                                continue;
                            }
                            if (random.nextInt(4) == 0 && g.withdraw(w)) {
                                continue;
                            }
                            if (!w.grant.await(10, TimeUnit.SECONDS)) {
                                throw new AssertionError("a waiter was never granted (lost wake-up)");
                            }
                            holding = true;
                        }
                        if (holding) {
                            int h = holders.incrementAndGet();
                            most.accumulateAndGet(h, Math::max);
                            if (h > limit) {
                                throw new AssertionError(h + " holders, limit " + limit);
                            }
                            holders.decrementAndGet();
                            g.release();
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join(60_000);
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertEquals(0, g.inFlight());
        assertEquals(0, g.queued());
        assertTrue(most.get() <= limit);
    }
}
