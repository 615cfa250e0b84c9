package ${package};

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the ${strategyName} strategy, PID {@code ${configPid}} ({@code etc/${configPid}.cfg} in rsp's
 * home; optional: without it the defaults below apply).
 *
 * <p>Declarative Services turns the configuration's properties into this type: {@code path_prefix()} reads the
 * property {@code path.prefix} ({@code _} stands for {@code .}), and its {@code default} applies when the property
 * is absent.
 */
@ObjectClassDefinition(name = "rsp ${strategyName} routing",
        description = "Routes requests whose path starts with a prefix to a list of backends")
public @interface PrefixRouteConfig {

    @AttributeDefinition(name = "path.prefix",
            description = "Requests whose path starts with this are routed; the others go to the next strategy")
    String path_prefix() default "/";

    @AttributeDefinition(name = "backends",
            description = "Backend names, most preferred first, comma-separated (at most 8); empty: every configured"
                    + " backend in name order")
    String[] backends() default {};
}
