package dev.rsp.core;

import dev.rsp.config.Schema;
import dev.rsp.core.admin.AdminConfig;
import dev.rsp.core.backend.BackendsConfig;

/** The PIDs the core bundle reads and the keys each knows; the running components and {@code bin/rsp check} share them. */
public final class CorePids {

    /** {@code etc/rsp.core.cfg}: the keys of {@link CoreConfig}; byte counts accept sizes ({@code 16k}). */
    public static final Schema CORE = Schema.fromAnnotation("rsp.core", CoreConfig.class).sizes("limits.request.line", "limits.memory", "limits.buffers", "limits.body.bytes");

    /** {@code backends.empty}: {@code allow} lets a configuration remove every backend; anything else refuses it. */
    public static final String BACKENDS_EMPTY = "backends.empty";

    /** {@code etc/rsp.backends.cfg}: {@code backend.<name>} entries (checked by {@link BackendsConfig}) and {@link #BACKENDS_EMPTY}. */
    public static final Schema BACKENDS = Schema.of(BackendsConfig.PID).key(BACKENDS_EMPTY, Schema.Kind.TEXT, false)
            .prefix(BackendsConfig.KEY_PREFIX);

    /** {@code etc/rsp.admin.cfg}. */
    public static final Schema ADMIN = Schema.fromAnnotation("rsp.admin", AdminConfig.class);

    private CorePids() {
    }

    /**
     * What is wrong with {@code backends.empty} ({@code allow} or {@code refuse}, the default), or null.
     */
    public static String backendsEmptyProblem(Object value) {
        if (value == null || "allow".equals(String.valueOf(value).strip()) || "refuse".equals(String.valueOf(value).strip())) {
            return null;
        }
        return BackendsConfig.PID + ": " + BACKENDS_EMPTY + " = '" + value + "': expected allow or refuse";
    }
}
