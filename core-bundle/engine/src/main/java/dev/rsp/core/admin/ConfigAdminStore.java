package dev.rsp.core.admin;

import java.io.IOException;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** {@link ConfigStore} on ConfigAdmin. */
final class ConfigAdminStore implements ConfigStore {

    private final ConfigurationAdmin admin;

    ConfigAdminStore(ConfigurationAdmin admin) {
        this.admin = admin;
    }

    private Configuration find(String pid) throws IOException {
        try {
            Configuration[] found = admin.listConfigurations("(service.pid=" + pid + ")");
            return found == null || found.length == 0 ? null : found[0];
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public Map<String, Object> read(String pid) throws IOException {
        Configuration c = find(pid);
        Map<String, Object> out = new LinkedHashMap<>();
        Dictionary<String, Object> props = c == null ? null : c.getProperties();
        if (props != null) {
            for (String k : Collections.list(props.keys())) {
                out.put(k, props.get(k));
            }
        }
        return out;
    }

    @Override
    public void write(String pid, Map<String, Object> properties) throws IOException {
        Configuration c = find(pid);
        if (c == null) {
            c = admin.getConfiguration(pid, "?");
        }
        c.update(new Hashtable<>(properties));
    }

    @Override
    public boolean exists(String pid) throws IOException {
        return find(pid) != null;
    }
}
