package dev.rsp.core.net;

import java.util.Arrays;

/**
 * The armed {@link Deadline}s of one loop, in a binary heap ordered by time: arming, moving and disarming cost
 * O(log n), finding the next O(1), and a loop turn pays only for the deadlines that expire (as nginx's timer tree and
 * Netty's scheduled tasks do), instead of visiting every connection. Loop thread only.
 */
final class DeadlineQueue {

    private Deadline[] heap = new Deadline[64];
    private int size;

    int size() {
        return size;
    }

    /** Arms {@code d} for {@code at}, or moves it there when it is armed already. */
    void arm(Deadline d, long at) {
        if (d.index >= 0) {
            long old = d.at;
            d.at = at;
            if (at - old < 0) {
                up(d.index);
            } else {
                down(d.index);
            }
            return;
        }
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        d.at = at;
        d.index = size;
        heap[size++] = d;
        up(d.index);
    }

    void disarm(Deadline d) {
        int i = d.index;
        if (i < 0) {
            return;
        }
        d.index = -1;
        Deadline last = heap[--size];
        heap[size] = null;
        if (i < size) {
            heap[i] = last;
            last.index = i;
            up(i);
            down(last.index);
        }
    }

    /** The earliest armed deadline, or null. */
    Deadline peek() {
        return size == 0 ? null : heap[0];
    }

    /** Removes and returns the earliest deadline when it is due at {@code now}, else null. */
    Deadline pollDue(long now) {
        Deadline first = peek();
        if (first == null || now - first.at < 0) {
            return null;
        }
        disarm(first);
        return first;
    }

    private void up(int i) {
        Deadline d = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Deadline p = heap[parent];
            if (d.at - p.at >= 0) {
                break;
            }
            heap[i] = p;
            p.index = i;
            i = parent;
        }
        heap[i] = d;
        d.index = i;
    }

    private void down(int i) {
        Deadline d = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && heap[right].at - heap[child].at < 0) {
                child = right;
            }
            if (heap[child].at - d.at >= 0) {
                break;
            }
            heap[i] = heap[child];
            heap[i].index = i;
            i = child;
        }
        heap[i] = d;
        d.index = i;
    }
}
