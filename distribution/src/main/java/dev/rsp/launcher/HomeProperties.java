package dev.rsp.launcher;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Reads a properties file from {@code etc/} and expands {@code ${rsp.home}} in its values, so the files can name
 * paths inside the installation wherever it lives.
 */
final class HomeProperties {

    private HomeProperties() {
    }

    /** Reads {@code file}; a missing file gives an empty map, an unreadable one an exception naming it. */
    static Map<String, String> read(File file, File home) throws IOException {
        Map<String, String> out = new LinkedHashMap<String, String>();
        if (!file.isFile()) {
            return out;
        }
        Properties p = new Properties();
        InputStream in = new FileInputStream(file);
        try {
            p.load(in);
        } finally {
            in.close();
        }
        for (String key : p.stringPropertyNames()) {
            out.put(key, expand(p.getProperty(key).trim(), home));
        }
        return out;
    }

    static String expand(String value, File home) {
        return value.replace("${rsp.home}", home.getPath());
    }
}
