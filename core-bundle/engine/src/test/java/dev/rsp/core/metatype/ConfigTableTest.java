package dev.rsp.core.metatype;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTableTest {

    static final PidKeys X = new PidKeys("rsp.x", false, "x", "The x", List.of(
            new ConfigKey("tries", "Integer", false, List.of("3"), "1", "8", List.of(), "Tries"),
            new ConfigKey("hosts.allowed", "String", true, List.of("a", "b"), "", "", List.of(), "Hosts"),
            new ConfigKey("key.password", "Password", false, List.of(""), "", "", List.of(), "Secret")));

    @Test
    void columnsAreAlignedAndTheDescriptionComesLast() {
        String nl = System.lineSeparator();
        assertEquals("rsp.x - x: The x" + nl
                + "  key            type      default  accepts  description" + nl
                + "  tries          Integer   3        1..8     Tries" + nl
                + "  hosts.allowed  String[]  a, b              Hosts" + nl
                + "  key.password   Password  (empty)           Secret" + nl,
                ConfigTable.format(List.of(X), null));
    }

    @Test
    void theValueSetNowIsShownAndAPasswordIsNot() {
        String text = ConfigTable.format(List.of(X), pid -> Map.of("tries", "5", "key.password", "s3cret"));
        String nl = System.lineSeparator();
        assertEquals("rsp.x - x: The x" + nl
                + "  key            type      default  accepts  set now   description" + nl
                + "  tries          Integer   3        1..8     5         Tries" + nl
                + "  hosts.allowed  String[]  a, b              -         Hosts" + nl
                + "  key.password   Password  (empty)           (hidden)  Secret" + nl, text);
    }

    @Test
    void aPidWithOnlyOpenEndedKeysSaysSo() {
        String text = ConfigTable.format(List.of(new PidKeys("rsp.demo", false, "demo", "backend.<name> = host:port",
                List.of())), null);
        assertEquals("rsp.demo - demo: backend.<name> = host:port" + System.lineSeparator()
                + "  (no fixed keys: see the description)" + System.lineSeparator(), text);
    }
}
