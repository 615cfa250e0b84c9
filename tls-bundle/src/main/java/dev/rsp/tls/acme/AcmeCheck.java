package dev.rsp.tls.acme;

import dev.rsp.config.PidCheck;
import dev.rsp.config.Reading;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code bin/rsp check} for {@code rsp.acme}: the settings as {@link AcmeComponent} reads them, and the truststore file. */
public final class AcmeCheck implements PidCheck {

    @Override
    public boolean reads(String pid) {
        return pid.equals(AcmeComponent.PID);
    }

    @Override
    public void check(String pid, Map<String, String> properties, Path home, List<String> errors, List<String> warnings) {
        Reading reading = AcmeComponent.SCHEMA.read(properties);
        errors.addAll(reading.errors());
        warnings.addAll(reading.warnings());
        if (!reading.valid()) {
            return;
        }
        Map<String, Object> typed = new HashMap<>(properties);
        typed.putAll(reading.values());
        java.util.Optional<AcmeComponent.Applied> applied = AcmeComponent.settings(typed, errors, warnings);
        if (applied.isEmpty()) {
            return;
        }
        AcmeSettings settings = applied.get().acme();
        settings.truststore().filter(t -> !Files.isReadable(t))
                .ifPresent(t -> errors.add(pid + ": truststore " + t + " cannot be read"));
        if (settings.names().isEmpty() && !settings.onDemand()) {
            warnings.add(pid + ": names is empty and ondemand is off: no certificate will be obtained");
        }
    }
}
