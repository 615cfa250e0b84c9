package dev.rsp.core.etcd;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes ConfigAdmin deliver a configuration again, so that the {@link EtcdConfigOverlay} applies to it: the
 * configuration is updated with its own, unchanged properties (ConfigAdmin's {@code update()} without properties would
 * not reach Declarative Services, which ignores a delivery whose change count did not move).
 *
 * <p>FileInstall writes the same configurations from {@code etc/}. Should it update one between this class's read and
 * write (the change count then moved by more than one), the file's newer values could be overwritten by the older
 * ones: the file's modification time is then moved forward, so FileInstall reads the file again at its next poll and
 * puts its values back. A configuration FileInstall marked read-only (its file is not writable) is unlocked for the
 * update and locked again.
 */
final class ConfigRedelivery {

    private static final Logger log = LoggerFactory.getLogger("dev.rsp.core.etcd");
    private static final String FILENAME = "felix.fileinstall.filename";

    private final ConfigurationAdmin configAdmin;
    private final java.util.Set<String> missingLogged = java.util.concurrent.ConcurrentHashMap.newKeySet();

    ConfigRedelivery(ConfigurationAdmin configAdmin) {
        this.configAdmin = configAdmin;
    }

    /**
     * Delivers {@code pid} again; {@code etcdKeys} names its keys in etcd for the log lines.
     *
     * @param overlay etcd's values for {@code pid} now in force (empty when they were taken away)
     * @return the problems of etcd's values that the core's own checks find ({@link OverlayCheck}), each naming its
     * etcd key; the configuration is delivered all the same (its component refuses it and keeps the last good one)
     */
    List<String> deliverAgain(String pid, String etcdKeys, Map<String, String> overlay) {
        Configuration c;
        try {
            Configuration[] found = configAdmin.listConfigurations("(" + org.osgi.framework.Constants.SERVICE_PID + "="
                    + pid + ")");
            c = found == null || found.length == 0 ? null : found[0];
        } catch (IOException | InvalidSyntaxException e) {
            log.error("rsp.etcd: cannot look up the configuration {}: {}", pid, e.toString());
            return List.of();
        }
        if (c == null) {
            if (missingLogged.add(pid)) {
                log.warn("rsp.etcd: {}*: there is no configuration {} (etc/{}.cfg) to overlay; these keys apply once "
                        + "it exists", etcdKeys, pid, pid);
            }
            return List.of();
        }
        missingLogged.remove(pid);
        try {
            long before = c.getChangeCount();
            Dictionary<String, Object> properties = c.getProperties();
            if (properties == null) {
                return List.of();
            }
            List<String> problems = OverlayCheck.problems(pid, properties, overlay, etcdKeys);
            Set<Configuration.ConfigurationAttribute> attributes = c.getAttributes();
            boolean readOnly = attributes.contains(Configuration.ConfigurationAttribute.READ_ONLY);
            if (readOnly) {
                c.removeAttributes(Configuration.ConfigurationAttribute.READ_ONLY);
            }
            try {
                c.update(properties);
            } finally {
                if (readOnly) {
                    c.addAttributes(Configuration.ConfigurationAttribute.READ_ONLY);
                }
            }
            if (c.getChangeCount() != before + 1) {
                rereadFile(pid, properties.get(FILENAME));
            }
            return problems;
        } catch (IOException | IllegalStateException e) {
            log.error("rsp.etcd: cannot deliver {} again with etcd's values: {}", pid, e.toString());
            return List.of();
        }
    }

    private static void rereadFile(String pid, Object fileName) {
        if (!(fileName instanceof String name)) {
            return;
        }
        try {
            Path file = Path.of(URI.create(name));
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
            log.info("rsp.etcd: {} changed while etcd's values were applied; {} is read again", pid, file);
        } catch (IOException | RuntimeException e) {
            log.warn("rsp.etcd: {} changed while etcd's values were applied and {} cannot be touched ({}); save it again "
                    + "to be sure its values are in force", pid, name, e.toString());
        }
    }
}
