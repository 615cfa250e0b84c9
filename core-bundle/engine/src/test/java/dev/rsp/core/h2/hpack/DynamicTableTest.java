package dev.rsp.core.h2.hpack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Size accounting, eviction order, an entry larger than the table, and a ring that grows with a larger maximum. */
class DynamicTableTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void evictsOldestFirstAndAccountsNamePlusValuePlus32() {
        DynamicTable table = new DynamicTable(100);
        table.add(bytes("a"), bytes("1")); // 34
        table.add(bytes("b"), bytes("2")); // 68
        assertEquals(List.of("b: 2", "a: 1"), Fields.table(table));
        assertEquals(68, table.size());
        table.add(bytes("c"), bytes("3")); // 102 > 100: a goes
        assertEquals(List.of("c: 3", "b: 2"), Fields.table(table));
        assertEquals(68, table.size());
        table.resize(40);
        assertEquals(List.of("c: 3"), Fields.table(table));
        table.add(bytes("d"), bytes("x".repeat(100)));
        assertEquals(0, table.count(), "an entry larger than the table empties it");
        assertEquals(0, table.size());
    }

    @Test
    void growingTheMaximumKeepsTheEntriesInOrder() {
        DynamicTable table = new DynamicTable(64 * 32);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            table.add(bytes("n"), bytes(String.format("%031d", i))); // 64 bytes each: 32 fit
        }
        for (int i = 299; i >= 268; i--) {
            expected.add("n: " + String.format("%031d", i));
        }
        assertEquals(expected, Fields.table(table));
        table.resize(16_384);
        assertEquals(expected, Fields.table(table));
        for (int i = 300; i < 600; i++) {
            table.add(bytes("n"), bytes(String.format("%031d", i)));
        }
        assertEquals(256, table.count());
        assertEquals(16_384, table.size());
        assertEquals("n: " + String.format("%031d", 599), Fields.table(table).get(0));
        assertEquals("n: " + String.format("%031d", 344), Fields.table(table).get(255));
    }
}
