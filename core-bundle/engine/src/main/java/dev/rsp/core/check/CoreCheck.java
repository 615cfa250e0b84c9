package dev.rsp.core.check;

import dev.rsp.config.PidCheck;
import dev.rsp.config.Reading;
import dev.rsp.core.CoreConfig;
import dev.rsp.core.CorePids;
import dev.rsp.core.admin.AdminConfig;
import dev.rsp.core.admin.AdminSettingsCheck;
import dev.rsp.core.backend.BackendsConfig;
import dev.rsp.core.backend.ParsedBackends;
import dev.rsp.core.edge.HeaderRules;
import dev.rsp.core.etcd.EtcdSettings;
import dev.rsp.core.proxy.ProxySettings;
import dev.rsp.core.ratelimit.RateLimitSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/rsp check} for the PIDs of the core bundle: {@code rsp.core}, {@code rsp.backends}, {@code rsp.admin},
 * {@code rsp.ratelimit}, {@code rsp.etcd}, {@code rsp.headers}.
 */
public final class CoreCheck implements PidCheck {

    @Override
    public boolean reads(String pid) {
        return pid.equals(CorePids.CORE.pid()) || pid.equals(CorePids.BACKENDS.pid()) || pid.equals(CorePids.ADMIN.pid())
                || pid.equals(RateLimitSettings.SCHEMA.pid()) || pid.equals(EtcdSettings.PID)
                || pid.equals(HeaderRules.SCHEMA.pid());
    }

    @Override
    public void check(String pid, Map<String, String> properties, Path home, List<String> errors, List<String> warnings) {
        if (pid.equals(EtcdSettings.PID)) {
            EtcdSettings.Parsed parsed = EtcdSettings.read(properties);
            if (parsed instanceof EtcdSettings.Invalid invalid) {
                errors.addAll(invalid.errors());
                warnings.addAll(invalid.warnings());
            } else {
                warnings.addAll(((EtcdSettings.Valid) parsed).warnings());
            }
        } else if (pid.equals(CorePids.CORE.pid())) {
            Reading r = read(CorePids.CORE.read(properties), errors, warnings);
            if (r.valid() && ProxySettings.from(r.as(CoreConfig.class)) instanceof ProxySettings.Invalid invalid) {
                invalid.errors().forEach(e -> errors.add(pid + ": " + e));
            }
        } else if (pid.equals(RateLimitSettings.SCHEMA.pid())) {
            RateLimitSettings.Parsed parsed = RateLimitSettings.read(properties);
            if (parsed instanceof RateLimitSettings.Invalid invalid) {
                errors.addAll(invalid.errors());
                warnings.addAll(invalid.warnings());
            } else {
                warnings.addAll(((RateLimitSettings.Valid) parsed).warnings());
            }
        } else if (pid.equals(HeaderRules.SCHEMA.pid())) {
            HeaderRules.Parsed parsed = HeaderRules.read(properties);
            if (parsed instanceof HeaderRules.Invalid invalid) {
                errors.addAll(invalid.errors());
                warnings.addAll(invalid.warnings());
            } else {
                warnings.addAll(((HeaderRules.Valid) parsed).warnings());
            }
        } else if (pid.equals(CorePids.BACKENDS.pid())) {
            Reading r = read(CorePids.BACKENDS.read(properties), errors, warnings);
            Object empty = r.get(CorePids.BACKENDS_EMPTY, null);
            String problem = CorePids.backendsEmptyProblem(empty);
            if (problem != null) {
                errors.add(problem);
            }
            ParsedBackends parsed = BackendsConfig.parse(properties, 1);
            if (parsed instanceof ParsedBackends.Invalid invalid) {
                invalid.errors().forEach(e -> errors.add(pid + ": " + e));
            } else if (((ParsedBackends.Valid) parsed).backends().all().isEmpty() && !"allow".equals(String.valueOf(empty).strip())) {
                errors.add(pid + ": no backend.* entry: a running rsp refuses to drop every backend (a damaged file?); "
                        + "set backends.empty = allow to run without backends");
            }
        } else {
            Reading r = read(CorePids.ADMIN.read(properties), errors, warnings);
            if (r.valid()) {
                AdminConfig c = r.as(AdminConfig.class);
                AdminSettingsCheck.problem(c.listen(), c.token()).ifPresent(p -> errors.add(pid + ": " + p));
            }
        }
    }

    private static Reading read(Reading r, List<String> errors, List<String> warnings) {
        errors.addAll(r.errors());
        warnings.addAll(r.warnings());
        return r;
    }
}
