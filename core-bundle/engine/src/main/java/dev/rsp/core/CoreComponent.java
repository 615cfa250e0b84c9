package dev.rsp.core;

import java.util.Arrays;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core's lifecycle: reads {@code rsp.core} and reports what it runs. The selector loops arrive with the core
 * engine; until then this component only validates and logs its configuration.
 */
@Component(immediate = true, configurationPid = "rsp.core", service = {})
@Designate(ocd = CoreConfig.class)
public final class CoreComponent {

    private static final Logger log = LoggerFactory.getLogger(CoreComponent.class);

    @Activate
    void activate(CoreConfig config) {
        log.info("rsp core started: http.listen={} routing.chain={}", config.http_listen(), chain(config));
    }

    @Modified
    void modified(CoreConfig config) {
        log.info("rsp core configuration changed: http.listen={} routing.chain={}", config.http_listen(), chain(config));
    }

    @Deactivate
    void deactivate() {
        log.info("rsp core stopped");
    }

    static List<String> chain(CoreConfig config) {
        return Arrays.stream(config.routing_chain().split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
