package dev.rsp.core.metatype;

import java.util.List;

/**
 * What the metatype of one PID says: its name, its description (for open-ended keys such as {@code backend.<name>},
 * the only place they are described) and its fixed keys in declaration order.
 *
 * @param factory whether {@code pid} is a factory PID ({@code etc/<pid>-<name>.cfg})
 */
public record PidKeys(String pid, boolean factory, String name, String description, List<ConfigKey> keys) {

    public PidKeys {
        keys = List.copyOf(keys);
    }
}
