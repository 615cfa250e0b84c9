package dev.rsp.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The check {@code bin/rsp check} runs for the PIDs one bundle reads, outside OSGi. Bundles list theirs in
 * {@code META-INF/services/dev.rsp.config.PidCheck}; the check must use the validators the running component uses,
 * so that both print the same lines.
 */
public interface PidCheck {

    /** Whether this check reads {@code pid}. */
    boolean reads(String pid);

    /**
     * Checks the properties of {@code etc/<pid>.cfg} (as FileInstall would deliver them) and whatever they point to
     * (a script, a certificate directory) relative to {@code home}; adds one line per problem.
     */
    void check(String pid, Map<String, String> properties, Path home, List<String> errors, List<String> warnings);
}
