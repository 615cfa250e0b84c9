package dev.rsp.core.metatype;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads one metatype document ({@code OSGI-INF/metatype/*.xml}, any version of the namespace) into the PIDs it
 * designates. An OCD that no {@code Designate} names describes no PID and is left out. Localized texts
 * ({@code %key}) are kept as written. Stateless; DTDs and external entities are refused.
 */
public final class MetatypeXml {

    private MetatypeXml() {
    }

    /** The PIDs {@code xml} designates, in document order; {@code source} names it in the exception message. */
    public static List<PidKeys> read(InputStream xml, String source) throws XMLStreamException {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        XMLStreamReader in = factory.createXMLStreamReader(xml);
        Map<String, Ocd> ocds = new HashMap<>();
        List<String[]> designates = new ArrayList<>();
        Ocd ocd = null;
        Ad ad = null;
        String[] designate = null;
        try {
            while (in.hasNext()) {
                if (in.next() != XMLStreamConstants.START_ELEMENT) {
                    if (in.getEventType() == XMLStreamConstants.END_ELEMENT && in.getLocalName().equals("AD") && ad != null) {
                        ocd.keys.add(ad.key());
                        ad = null;
                    }
                    continue;
                }
                switch (in.getLocalName()) {
                    case "OCD" -> {
                        ocd = new Ocd(attr(in, "name"), attr(in, "description"));
                        ocds.put(attr(in, "id"), ocd);
                    }
                    case "AD" -> ad = ocd == null ? null : new Ad(in);
                    case "Option" -> {
                        if (ad != null) {
                            ad.options.add(attr(in, "value"));
                        }
                    }
                    case "Designate" -> {
                        String factoryPid = attr(in, "factoryPid");
                        designate = factoryPid.isEmpty() ? new String[] {attr(in, "pid"), "", ""} : new String[] {factoryPid, "f", ""};
                        designates.add(designate);
                    }
                    case "Object" -> {
                        if (designate != null) {
                            designate[2] = attr(in, "ocdref");
                        }
                    }
                    default -> {
                    }
                }
            }
        } catch (XMLStreamException | RuntimeException e) {
            throw new XMLStreamException(source + ": " + e.getMessage(), e);
        } finally {
            in.close();
        }
        List<PidKeys> pids = new ArrayList<>();
        for (String[] d : designates) {
            Ocd o = ocds.get(d[2]);
            if (o != null && !d[0].isEmpty()) {
                pids.add(new PidKeys(d[0], !d[1].isEmpty(), o.name, o.description, o.keys));
            }
        }
        return pids;
    }

    private static String attr(XMLStreamReader in, String name) {
        String v = in.getAttributeValue(null, name);
        return v == null ? "" : v;
    }

    /**
     * The values of a metatype default: comma-separated when {@code multiple}, with {@code \} escaping the next
     * character (so {@code a\,\ b} is the one value {@code a, b}); unescaped blanks around each value are dropped.
     */
    static List<String> values(String raw, boolean multiple) {
        List<String> values = new ArrayList<>();
        StringBuilder value = new StringBuilder();
        int keep = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length()) {
                value.append(raw.charAt(++i));
                keep = value.length();
            } else if (c == ',' && multiple) {
                values.add(value.substring(0, Math.max(keep, value.toString().stripTrailing().length())));
                value.setLength(0);
                keep = 0;
            } else if (!(Character.isWhitespace(c) && value.length() == 0)) {
                value.append(c);
            }
        }
        values.add(value.substring(0, Math.max(keep, value.toString().stripTrailing().length())));
        return values;
    }

    private static final class Ocd {
        final String name;
        final String description;
        final List<ConfigKey> keys = new ArrayList<>();

        Ocd(String name, String description) {
            this.name = name;
            this.description = description;
        }
    }

    private static final class Ad {
        final String id;
        final String type;
        final boolean multiple;
        final String defaultRaw;
        final boolean hasDefault;
        final String min;
        final String max;
        final String description;
        final List<String> options = new ArrayList<>();

        Ad(XMLStreamReader in) {
            id = attr(in, "id");
            type = attr(in, "type");
            String cardinality = attr(in, "cardinality");
            multiple = !cardinality.isEmpty() && !cardinality.equals("0");
            hasDefault = in.getAttributeValue(null, "default") != null;
            defaultRaw = attr(in, "default");
            min = attr(in, "min");
            max = attr(in, "max");
            description = attr(in, "description");
        }

        ConfigKey key() {
            return new ConfigKey(id, type, multiple, hasDefault ? values(defaultRaw, multiple) : List.of(), min, max,
                    options, description);
        }
    }
}
