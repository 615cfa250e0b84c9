package dev.rsp.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.SelectionKey;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Deadlines on a running loop: each fires once, after its time; moved or disarmed ones do not fire early or at all. */
class EventLoopDeadlineTest {

    final EventLoop loop = new EventLoop("test-loop", new BufferPool(4096, 4));
    final List<String> fired = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        loop.stop(2, TimeUnit.SECONDS);
    }

    final class Named implements LoopHandler {
        final String name;
        final Deadline deadline = new Deadline(this);
        long armedAt;
        long firedAfterNanos = -1;

        Named(String name) {
            this.name = name;
        }

        @Override
        public void onReady(SelectionKey key) {
        }

        @Override
        public void onDeadline(long now) {
            firedAfterNanos = now - armedAt;
            fired.add(name);
            if (name.equals("boom")) {
                throw new IllegalStateException("boom");
            }
        }

        @Override
        public void onFailure(Throwable t) {
            fired.add(name + " failed: " + t.getMessage());
        }
    }

    @Test
    void firesOnceInTimeOrderAndNotWhenDisarmed() {
        loop.start();
        Named late = new Named("late");
        Named early = new Named("early");
        Named gone = new Named("gone");
        Named moved = new Named("moved");
        loop.execute(() -> {
            long now = System.nanoTime();
            late.armedAt = now;
            early.armedAt = now;
            moved.armedAt = now;
            loop.arm(late.deadline, now + TimeUnit.MILLISECONDS.toNanos(120));
            loop.arm(early.deadline, now + TimeUnit.MILLISECONDS.toNanos(40));
            loop.arm(gone.deadline, now + TimeUnit.MILLISECONDS.toNanos(60));
            loop.arm(moved.deadline, now + TimeUnit.MILLISECONDS.toNanos(10));
            loop.arm(moved.deadline, now + TimeUnit.MILLISECONDS.toNanos(80));
            loop.armNoLaterThan(late.deadline, now + TimeUnit.SECONDS.toNanos(10));
            loop.disarm(gone.deadline);
        });
        assertTrue(await(() -> fired.size() == 3, 5000), fired.toString());
        assertEquals(List.of("early", "moved", "late"), fired);
        assertTrue(early.firedAfterNanos >= TimeUnit.MILLISECONDS.toNanos(40));
        assertTrue(moved.firedAfterNanos >= TimeUnit.MILLISECONDS.toNanos(80), "a moved deadline waits for its new time");
        assertTrue(late.firedAfterNanos >= TimeUnit.MILLISECONDS.toNanos(120), "armNoLaterThan never moves one later");
    }

    @Test
    void aFailingDeadlineClosesItsOwnerAndTheLoopGoesOn() {
        loop.start();
        Named boom = new Named("boom");
        Named after = new Named("after");
        loop.execute(() -> {
            long now = System.nanoTime();
            loop.arm(boom.deadline, now);
            loop.arm(after.deadline, now + TimeUnit.MILLISECONDS.toNanos(20));
        });
        assertTrue(await(() -> fired.contains("after"), 5000), fired.toString());
        assertEquals(List.of("boom", "boom failed: boom", "after"), fired);
    }

    /** A handler that re-arms for a time already past (a bug) costs loop turns, not the loop: tasks still run. */
    @Test
    void aDeadlineReArmedInThePastDoesNotHoldTheLoop() {
        loop.start();
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        java.util.concurrent.atomic.AtomicInteger fires = new java.util.concurrent.atomic.AtomicInteger();
        final class Stubborn implements LoopHandler {
            final Deadline d = new Deadline(this);

            @Override
            public void onReady(SelectionKey key) {
            }

            @Override
            public void onDeadline(long now) {
                fires.incrementAndGet();
                if (!fired.contains("task") && now - giveUp < 0) {
                    loop.arm(d, now - 1);
                }
            }

            @Override
            public void onFailure(Throwable t) {
            }
        }
        Stubborn stubborn = new Stubborn();
        loop.execute(() -> loop.arm(stubborn.d, System.nanoTime()));
        assertTrue(await(() -> fires.get() > 0, 2000));
        long queued = System.nanoTime();
        loop.execute(() -> fired.add("task"));
        assertTrue(await(() -> fired.contains("task"), 5000), "the loop ran its task");
        assertTrue(System.nanoTime() - queued < TimeUnit.SECONDS.toNanos(2), "at once, not when the handler gave up");
    }

    /** A task queued from a deadline handler (after the iteration's tasks ran) runs without waiting for I/O. */
    @Test
    void aTaskQueuedByADeadlineRunsOnTheNextTurn() {
        loop.start();
        LoopHandler queuer = new LoopHandler() {
            @Override
            public void onReady(SelectionKey key) {
            }

            @Override
            public void onDeadline(long now) {
                loop.execute(() -> fired.add("queued by a deadline"));
            }

            @Override
            public void onFailure(Throwable t) {
            }
        };
        Deadline d = new Deadline(queuer);
        loop.execute(() -> loop.arm(d, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10)));
        assertTrue(await(() -> fired.contains("queued by a deadline"), 2000), fired.toString());
    }

    static boolean await(BooleanSupplier c, long ms) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return true;
    }
}
