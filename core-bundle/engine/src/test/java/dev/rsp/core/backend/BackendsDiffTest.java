package dev.rsp.core.backend;

import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendsDiffTest {

    private static final Backends NONE = new Backends(0, List.of());

    @Test
    void addedRemovedAndChanged() {
        Backends before = new Backends(1, List.of(
                new Backend("keep", "k", 80, 1),
                new Backend("host", "old", 80, 1),
                new Backend("port", "p", 80, 1),
                new Backend("weight", "w", 80, 1),
                new Backend("gone", "g", 80, 1)));
        Backends after = new Backends(2, List.of(
                new Backend("keep", "k", 80, 1),
                new Backend("host", "new", 80, 1),
                new Backend("port", "p", 81, 1),
                new Backend("weight", "w", 80, 2),
                new Backend("new-b", "n", 80, 1),
                new Backend("new-a", "n", 80, 1)));
        BackendsDiff diff = BackendsDiff.between(before, after);
        assertEquals(List.of("new-a", "new-b"), List.copyOf(diff.added()));
        assertEquals(Set.of("gone"), diff.removed());
        assertEquals(List.of("host", "port", "weight"), List.copyOf(diff.changed()));
        assertFalse(diff.isEmpty());
    }

    @Test
    void sameBackendsUnderANewGenerationIsNoChange() {
        Backends a = new Backends(1, List.of(new Backend("web", "w", 80, 1)));
        Backends b = new Backends(2, List.of(new Backend("web", "w", 80, 1)));
        assertTrue(BackendsDiff.between(a, b).isEmpty());
        assertTrue(BackendsDiff.between(NONE, NONE).isEmpty());
    }

    @Test
    void fromAndToNothing() {
        Backends some = new Backends(1, List.of(new Backend("a", "a", 80, 1), new Backend("b", "b", 80, 1)));
        assertEquals(new BackendsDiff(Set.of("a", "b"), Set.of(), Set.of()), BackendsDiff.between(NONE, some));
        assertEquals(new BackendsDiff(Set.of(), Set.of("a", "b"), Set.of()), BackendsDiff.between(some, NONE));
    }

    @Test
    void setsAreUnmodifiable() {
        BackendsDiff diff = new BackendsDiff(Set.of("x"), Set.of(), Set.of());
        assertThrows(UnsupportedOperationException.class, () -> diff.added().add("y"));
    }
}
