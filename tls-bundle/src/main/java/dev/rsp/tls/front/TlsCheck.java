package dev.rsp.tls.front;

import dev.rsp.config.PidCheck;
import dev.rsp.config.Reading;
import dev.rsp.tls.certs.CertificateCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code bin/rsp check} for {@code rsp.tls}: the settings as {@link TlsComponent} reads them, then every certificate pair. */
public final class TlsCheck implements PidCheck {

    @Override
    public boolean reads(String pid) {
        return pid.equals(TlsComponent.PID);
    }

    @Override
    public void check(String pid, Map<String, String> properties, Path home, List<String> errors, List<String> warnings) {
        Reading reading = TlsComponent.SCHEMA.read(properties);
        errors.addAll(reading.errors());
        warnings.addAll(reading.warnings());
        if (!reading.valid()) {
            return;
        }
        Map<String, Object> typed = new HashMap<>(properties);
        typed.putAll(reading.values());
        TlsSettings.Parsed parsed = TlsSettings.parse(typed, TlsSettings.Supported.byJdk());
        if (parsed instanceof TlsSettings.Invalid invalid) {
            invalid.errors().forEach(e -> errors.add(pid + ": " + e));
            return;
        }
        TlsSettings settings = ((TlsSettings.Valid) parsed).settings();
        ((TlsSettings.Valid) parsed).warnings().forEach(w -> warnings.add(pid + ": " + w));
        if (settings.engine() == TlsSettings.Engine.NATIVE) {
            // loading BoringSSL here would be slow and says nothing about the JVM and directories rsp starts with
            warnings.add(pid + ": engine = native: whether BoringSSL loads is checked at start (a failed start if not)");
        }
        if (Files.isDirectory(settings.certsDir())) {
            CertificateCheck.check(settings.certsDir(), settings.keyPassword(), errors, warnings);
        } else {
            warnings.add(pid + ": certs.dir " + settings.certsDir() + " does not exist");
        }
    }
}
