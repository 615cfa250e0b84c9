package dev.rsp.core.admin;

import java.io.IOException;
import java.util.Map;

/** Reads and replaces a ConfigAdmin configuration by PID; a seam so that mutations can be tested without Felix. */
interface ConfigStore {

    /** The properties of {@code pid}, empty when there is no such configuration. */
    Map<String, Object> read(String pid) throws IOException;

    /** Replaces the properties of {@code pid} (creating it if needed); ConfigAdmin applies them asynchronously. */
    void write(String pid, Map<String, Object> properties) throws IOException;

    /** Whether a configuration {@code pid} exists. */
    boolean exists(String pid) throws IOException;
}
