package dev.rsp.core;

import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

/**
 * Hands {@code rsp.backends} ({@code etc/rsp.backends.cfg}) to the core. Without that file the core runs with no
 * backends (requests get 503); editing it changes the backends while rsp runs.
 */
@Component(immediate = true, configurationPid = "rsp.backends", service = {})
public final class BackendsComponent {

    @Reference
    private ProxyControl core;

    @Activate
    @Modified
    void apply(Map<String, Object> properties) {
        core.backends(properties);
    }
}
