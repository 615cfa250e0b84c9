package dev.rsp.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonReaderTest {

    @Test
    void readsEtcdAnswers() {
        Map<String, Object> o = JsonReader.object("{\"header\":{\"cluster_id\":\"14841639068965178418\",\"revision\":\"42\"},"
                + "\"kvs\":[{\"key\":\"L3JzcC8=\",\"mod_revision\":\"7\"}],\"count\":\"1\",\"more\":false}");
        assertEquals("42", ((Map<?, ?>) o.get("header")).get("revision"));
        assertEquals(List.of(Map.of("key", "L3JzcC8=", "mod_revision", "7")), o.get("kvs"));
        assertEquals(Boolean.FALSE, o.get("more"));
    }

    @Test
    void valuesOfEveryKind() {
        assertEquals(List.of(1L, -2L, 1.5, 1e3, 0L, true, false, "x"), JsonReader.parse(" [1,-2,1.5,1e3,0,true,false,\"x\"] "));
        assertSame(JsonReader.NULL, JsonReader.parse("null"));
        assertEquals(Map.of(), JsonReader.parse("{}"));
        assertEquals(List.of(), JsonReader.parse("[ ]"));
        assertEquals(1.8446744073709552E19, JsonReader.parse("18446744073709551616"));
        assertEquals(Long.MIN_VALUE, JsonReader.parse("-9223372036854775808"));
    }

    @Test
    void escapes() {
        assertEquals("a\"b\\c/d\b\f\n\r\t\u00e9\uD83D\uDE00", JsonReader.parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\""));
        assertEquals("é", JsonReader.parse("\"é\""));
    }

    @Test
    void keepsMemberOrder() {
        Map<String, Object> o = JsonReader.object("{\"b\":1,\"a\":2,\"c\":3}");
        assertEquals(List.of("b", "a", "c"), List.copyOf(o.keySet()));
    }

    @Test
    void refusesWhatIsNotStrictJson() {
        for (String bad : List.of("", " ", "{", "[1,]", "{\"a\":1,}", "{'a':1}", "01", "-", "1.", "1e", ".5", "+1",
                "tru", "nul", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\ud83d\"", "\"\\ude00\"", "\"a\nb\"", "[1 2]",
                "{\"a\" 1}", "{\"a\":1 \"b\":2}", "1 2", "[1]x", "{\"a\":1,\"a\":2}", "{1:2}", "NaN", "Infinity",
                "/*c*/1", "[\"\\ud83d\\u0041\"]")) {
            assertThrows(JsonReader.Malformed.class, () -> JsonReader.parse(bad), bad);
        }
    }

    @Test
    void boundsTheDepth() {
        String deep = "[".repeat(65) + "]".repeat(65);
        JsonReader.Malformed e = assertThrows(JsonReader.Malformed.class, () -> JsonReader.parse(deep));
        assertTrue(e.getMessage().contains("deeper than 64"), e.getMessage());
        assertEquals(List.of(List.of()), JsonReader.parse("[[]]", 2));
        assertThrows(JsonReader.Malformed.class, () -> JsonReader.parse("[[[]]]", 2));
    }

    /** What the writer writes, the reader reads back, for random trees (fixed seed). */
    @Test
    void roundTripsTheWriter() {
        Random random = new Random(22);
        for (int n = 0; n < 500; n++) {
            Object tree = tree(random, 0);
            assertEquals(tree, JsonReader.parse(Json.write(tree)));
        }
    }

    /** Random text never escapes as anything but Malformed (fixed seed). */
    @Test
    void garbageIsRefusedCleanly() {
        Random random = new Random(7);
        String alphabet = "{}[]\":,.-+eE0123456789tfnrulas\\/ \n\u00e9";
        for (int n = 0; n < 20_000; n++) {
            StringBuilder sb = new StringBuilder();
            int len = random.nextInt(12);
            for (int k = 0; k < len; k++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            try {
                JsonReader.parse(sb.toString());
            } catch (JsonReader.Malformed expected) {
                // refused with an offset
            }
        }
    }

    private static Object tree(Random r, int depth) {
        int kind = depth > 3 ? r.nextInt(4) : r.nextInt(6);
        switch (kind) {
            case 0:
                return (long) r.nextInt() * (r.nextBoolean() ? 1 : 100_000);
            case 1:
                return r.nextBoolean();
            case 2:
            case 3: {
                StringBuilder sb = new StringBuilder();
                for (int k = r.nextInt(8); k > 0; k--) {
                    sb.append((char) (r.nextBoolean() ? r.nextInt(0x80) : r.nextInt(0xd7ff)));
                }
                return sb.toString();
            }
            case 4: {
                Map<String, Object> m = new LinkedHashMap<>();
                for (int k = r.nextInt(4); k > 0; k--) {
                    m.put("k" + r.nextInt(100), tree(r, depth + 1));
                }
                return m;
            }
            default: {
                java.util.List<Object> l = new java.util.ArrayList<>();
                for (int k = r.nextInt(4); k > 0; k--) {
                    l.add(tree(r, depth + 1));
                }
                return l;
            }
        }
    }
}
