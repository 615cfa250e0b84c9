package dev.rsp.core.metatype;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.stream.XMLStreamException;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * {@code rsp:config [pid]}: the keys of every PID the running MetaType service knows (rsp's and any other bundle's,
 * such as a strategy dropped into deploy/), printed as {@code bin/rsp config} prints them, with the values
 * ConfigurationAdmin holds now (the etc/ file, or what etcd overlays on it). The MetaType API has no minimum or
 * maximum, so those come from the bundle's own metatype documents. Active only while a MetaType service runs; Gogo
 * calls it on its own thread.
 */
@Component(service = ConfigCommand.class, property = {"osgi.command.scope=rsp", "osgi.command.function=config"})
public final class ConfigCommand {

    @Reference
    private MetaTypeService metaTypes;

    @Reference
    private ConfigurationAdmin configAdmin;

    private BundleContext context;

    @Activate
    void activate(BundleContext context) {
        this.context = context;
    }

    /**
     * Every PID, in PID order. Printed rather than returned: Karaf's console drops a command's return value when it
     * runs commands non-interactively (bin/client), Gogo's ThreadIO gives each session its own System.out.
     */
    public void config() {
        System.out.print(ConfigTable.format(pids().values(), this::current));
    }

    /** One PID, or a one-line answer naming the known ones. */
    public void config(String pid) {
        System.out.print(text(pid));
    }

    private String text(String pid) {
        Map<String, PidKeys> pids = pids();
        PidKeys p = pids.get(pid);
        return p != null ? ConfigTable.format(List.of(p), this::current)
                : "rsp:config: no bundle describes the PID '" + pid + "' (known: " + String.join(", ", pids.keySet()) + ")"
                        + System.lineSeparator();
    }

    /** The values ConfigurationAdmin holds for {@code pid} (several values comma-separated); empty when none. */
    private Map<String, String> current(String pid) {
        Map<String, String> values = new TreeMap<>();
        try {
            Configuration[] found = configAdmin.listConfigurations("(service.pid=" + pid + ")");
            Dictionary<String, Object> props = found == null || found.length == 0 ? null : found[0].getProperties();
            if (props != null) {
                for (Enumeration<String> keys = props.keys(); keys.hasMoreElements(); ) {
                    String key = keys.nextElement();
                    Object v = props.get(key);
                    values.put(key, v instanceof Object[] a
                            ? String.join(", ", java.util.Arrays.stream(a).map(String::valueOf).toList()) : String.valueOf(v));
                }
            }
        } catch (IOException | InvalidSyntaxException e) {
            values.clear();
        }
        return values;
    }

    private Map<String, PidKeys> pids() {
        Map<String, PidKeys> pids = new TreeMap<>();
        for (Bundle b : context.getBundles()) {
            MetaTypeInformation info = metaTypes.getMetaTypeInformation(b);
            if (info == null) {
                continue;
            }
            Map<String, PidKeys> documents = documents(b);
            for (String pid : info.getPids()) {
                pids.put(pid, describe(pid, false, info.getObjectClassDefinition(pid, null), documents.get(pid)));
            }
            for (String pid : info.getFactoryPids()) {
                pids.put(pid, describe(pid, true, info.getObjectClassDefinition(pid, null), documents.get(pid)));
            }
        }
        return pids;
    }

    private static PidKeys describe(String pid, boolean factory, ObjectClassDefinition ocd, PidKeys document) {
        Map<String, ConfigKey> ranges = new HashMap<>();
        if (document != null) {
            document.keys().forEach(k -> ranges.put(k.id(), k));
        }
        List<ConfigKey> keys = new ArrayList<>();
        AttributeDefinition[] ads = ocd.getAttributeDefinitions(ObjectClassDefinition.ALL);
        for (AttributeDefinition ad : ads == null ? new AttributeDefinition[0] : ads) {
            String[] defaults = ad.getDefaultValue();
            String[] options = ad.getOptionValues();
            ConfigKey key = new ConfigKey(ad.getID(), typeName(ad.getType()), ad.getCardinality() != 0,
                    defaults == null ? List.of() : List.of(defaults), "", "", options == null ? List.of() : List.of(options),
                    ad.getDescription() == null ? "" : ad.getDescription());
            ConfigKey fromDocument = ranges.get(ad.getID());
            keys.add(fromDocument == null ? key : key.withRange(fromDocument));
        }
        return new PidKeys(pid, factory, ocd.getName(), ocd.getDescription() == null ? "" : ocd.getDescription(), keys);
    }

    /** The PIDs of {@code b}'s own metatype documents, for what the API leaves out; empty when unreadable. */
    private static Map<String, PidKeys> documents(Bundle b) {
        Map<String, PidKeys> found = new HashMap<>();
        Enumeration<URL> urls = b.findEntries("OSGI-INF/metatype", "*.xml", false);
        while (urls != null && urls.hasMoreElements()) {
            URL url = urls.nextElement();
            try (InputStream in = url.openStream()) {
                MetatypeXml.read(in, url.toString()).forEach(p -> found.put(p.pid(), p));
            } catch (IOException | XMLStreamException e) {
                // the ranges of this document are not shown; the MetaType service read what it could
            }
        }
        return found;
    }

    /** The metatype name of an {@link AttributeDefinition} type constant, as the XML documents spell it. */
    static String typeName(int type) {
        return switch (type) {
            case AttributeDefinition.STRING -> "String";
            case AttributeDefinition.LONG -> "Long";
            case AttributeDefinition.INTEGER -> "Integer";
            case AttributeDefinition.SHORT -> "Short";
            case AttributeDefinition.CHARACTER -> "Character";
            case AttributeDefinition.BYTE -> "Byte";
            case AttributeDefinition.DOUBLE -> "Double";
            case AttributeDefinition.FLOAT -> "Float";
            case AttributeDefinition.BOOLEAN -> "Boolean";
            case AttributeDefinition.PASSWORD -> "Password";
            default -> "type " + type;
        };
    }
}
