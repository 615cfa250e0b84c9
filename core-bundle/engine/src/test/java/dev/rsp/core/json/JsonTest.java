package dev.rsp.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesNestedValuesWithEscapes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a\"b\\c\nd</script>\u0001");
        m.put("n", 42L);
        m.put("d", 1.23456);
        m.put("whole", 3.0);
        m.put("nan", Double.NaN);
        m.put("list", Arrays.asList(true, null, List.of()));
        assertEquals("{\"s\":\"a\\\"b\\\\c\\nd\\u003c/script\\u003e\\u0001\",\"n\":42,\"d\":1.235,\"whole\":3,\"nan\":null,"
                + "\"list\":[true,null,[]]}", Json.write(m));
    }

    @Test
    void refusesWhatIsNotAJsonValue() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
    }
}
