package dev.rsp.core.etcd;

import dev.rsp.config.PidCheck;
import dev.rsp.config.Schema;
import dev.rsp.core.check.CoreCheck;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Names the etcd key behind a refused value: for the PIDs the core bundle checks itself ({@code rsp.core},
 * {@code rsp.admin}, {@code rsp.ratelimit}), the file's values with etcd's on top are run through the checks
 * {@code bin/rsp check} uses, and each problem with a key etcd sets is returned prefixed with that etcd key. The
 * configuration is delivered all the same: its component refuses it and keeps the last good one, as for a bad file
 * value. Other bundles' PIDs are checked by their components only (an INFO line names every etcd key applied).
 */
final class OverlayCheck {

    private static final PidCheck CORE = new CoreCheck();

    private OverlayCheck() {
    }

    /**
     * @param etcdKeys the etcd key prefix of {@code pid}, e.g. {@code /rsp/default/config/rsp.core/}
     * @return one line per problem of a key etcd sets, naming the etcd key; empty when none or not the core's PID
     */
    static List<String> problems(String pid, Dictionary<String, Object> file, Map<String, String> overlay,
            String etcdKeys) {
        if (overlay.isEmpty() || !CORE.reads(pid) || pid.equals(EtcdSettings.PID)) {
            return List.of();
        }
        Map<String, String> merged = new TreeMap<>();
        for (Enumeration<String> keys = file.keys(); keys.hasMoreElements(); ) {
            String key = keys.nextElement();
            if (!Schema.isFrameworkKey(key)) {
                merged.put(key, String.valueOf(file.get(key)));
            }
        }
        merged.putAll(overlay);
        List<String> errors = new ArrayList<>();
        CORE.check(pid, merged, Path.of(System.getProperty("rsp.home", ".")), errors, new ArrayList<>());
        List<String> out = new ArrayList<>();
        for (String e : errors) {
            String key = keyOf(pid, e);
            if (key != null && overlay.containsKey(key)) {
                out.add(etcdKeys + key + ": " + e);
            }
        }
        return out;
    }

    /** The key an error line {@code <pid>: <key> = '<value>': ...} is about, or null. */
    static String keyOf(String pid, String error) {
        String head = pid + ": ";
        if (!error.startsWith(head)) {
            return null;
        }
        int eq = error.indexOf(" = ", head.length());
        if (eq < 0) {
            return null;
        }
        String key = error.substring(head.length(), eq);
        return key.contains(" ") ? null : key;
    }
}
