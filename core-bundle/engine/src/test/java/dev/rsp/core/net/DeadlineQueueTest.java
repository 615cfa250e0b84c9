package dev.rsp.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The loop's deadline heap against a plain list, under random arms, moves and disarms (fixed seed). */
class DeadlineQueueTest {

    static final LoopHandler NOBODY = new LoopHandler() {
        @Override
        public void onReady(SelectionKey key) {
        }

        @Override
        public void onFailure(Throwable t) {
        }
    };

    @Test
    void pollsInTimeOrderWhateverWasMovedOrDisarmed() {
        Random random = new Random(20261207L);
        DeadlineQueue q = new DeadlineQueue();
        List<Deadline> all = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            all.add(new Deadline(NOBODY));
        }
        for (int op = 0; op < 20_000; op++) {
            Deadline d = all.get(random.nextInt(all.size()));
            if (random.nextInt(4) == 0) {
                q.disarm(d);
            } else {
                // times around a wrap of nanoTime's sign, to exercise the overflow-safe comparison
                q.arm(d, Long.MAX_VALUE - 5_000 + random.nextInt(10_000));
            }
        }
        List<Deadline> armed = all.stream().filter(Deadline::armed).toList();
        assertEquals(armed.size(), q.size());
        long now = Long.MAX_VALUE - 6_000;
        long last = Long.MIN_VALUE;
        int polled = 0;
        for (long t = now; polled < armed.size(); t += 7) {
            Deadline d;
            while ((d = q.pollDue(t)) != null) {
                assertFalse(d.armed());
                assertTrue(t - d.at() >= 0, "not due yet");
                if (polled > 0) {
                    assertTrue(d.at() - last >= 0, "out of order");
                }
                last = d.at();
                polled++;
            }
        }
        assertNull(q.peek());
    }
}
