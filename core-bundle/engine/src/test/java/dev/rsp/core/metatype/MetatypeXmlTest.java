package dev.rsp.core.metatype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLStreamException;
import org.junit.jupiter.api.Test;

class MetatypeXmlTest {

    static final String DOCUMENT = """
            <?xml version="1.0" encoding="UTF-8"?>
            <metatype:MetaData xmlns:metatype="http://www.osgi.org/xmlns/metatype/v1.3.0">
              <OCD id="x.Config" name="x" description="The x &lt;name&gt; keys">
                <AD id="chain" type="String" name="Chain" description="Names" default="a\\,\\ b"/>
                <AD id="hosts" type="String" cardinality="100" description="Hosts" default="h1, h2\\,x ,h3"/>
                <AD id="tries" type="Integer" description="Tries" min="1" max="8" default="3"/>
                <AD id="mode" type="String" description="Mode" default="off">
                  <Option label="off" value="off"/>
                  <Option label="on" value="on"/>
                </AD>
                <AD id="needed" type="String" description="No default"/>
              </OCD>
              <OCD id="unused" name="u" description="designated by nobody"><AD id="k" type="String" default="v"/></OCD>
              <Designate pid="rsp.x"><Object ocdref="x.Config"/></Designate>
              <Designate factoryPid="rsp.y"><Object ocdref="x.Config"/></Designate>
            </metatype:MetaData>
            """;

    static List<PidKeys> read(String xml) throws XMLStreamException {
        return MetatypeXml.read(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "test.xml");
    }

    @Test
    void designatedOcdsBecomePidsWithTheirKeysInOrder() throws Exception {
        List<PidKeys> pids = read(DOCUMENT);
        assertEquals(2, pids.size(), "the undesignated OCD describes no PID");
        PidKeys x = pids.get(0);
        assertEquals("rsp.x", x.pid());
        assertFalse(x.factory());
        assertEquals("The x <name> keys", x.description());
        assertEquals(List.of("chain", "hosts", "tries", "mode", "needed"), x.keys().stream().map(ConfigKey::id).toList());
        assertTrue(pids.get(1).factory());
        assertEquals("rsp.y", pids.get(1).pid());
    }

    @Test
    void defaultsAreUnescapedAndSplitOnlyWhenSeveralValues() throws Exception {
        Map<String, ConfigKey> keys = keys(read(DOCUMENT).get(0));
        assertEquals(List.of("a, b"), keys.get("chain").defaults(), "one value: escaped comma and blank kept");
        assertEquals(List.of("h1", "h2,x", "h3"), keys.get("hosts").defaults());
        assertTrue(keys.get("hosts").multiple());
        assertEquals(List.of(), keys.get("needed").defaults());
        assertEquals("a, b", keys.get("chain").defaultText());
    }

    @Test
    void rangesAndOptionsAreKept() throws Exception {
        Map<String, ConfigKey> keys = keys(read(DOCUMENT).get(0));
        assertEquals("1..8", keys.get("tries").rangeText());
        assertEquals("off|on", keys.get("mode").rangeText());
        assertEquals("", keys.get("chain").rangeText());
        assertEquals(">= 5", new ConfigKey("k", "Long", false, List.of(), "5", "", List.of(), "").rangeText());
    }

    @Test
    void aBrokenDocumentIsNamed() {
        XMLStreamException e = assertThrows(XMLStreamException.class, () -> read("<metatype:MetaData><OCD"));
        assertTrue(e.getMessage().startsWith("test.xml: "), e.getMessage());
    }

    @Test
    void aDoctypeIsRefused() {
        assertThrows(XMLStreamException.class, () -> read("<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<m><OCD id=\"o\" name=\"&e;\"/><Designate pid=\"p\"><Object ocdref=\"o\"/></Designate></m>"));
    }

    static Map<String, ConfigKey> keys(PidKeys p) {
        Map<String, ConfigKey> m = new java.util.LinkedHashMap<>();
        p.keys().forEach(k -> m.put(k.id(), k));
        return m;
    }
}
