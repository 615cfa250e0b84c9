package dev.rsp.launcher;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.hooks.resolver.ResolverHook;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;

/**
 * Keeps the ServiceLoader extender capabilities that {@code bundle/logging/rsp-slf4j-logback.jar} declares for SLF4J
 * and logback away from every other bundle.
 *
 * <p>slf4j-api requires an {@code osgi.serviceloader.processor} extender and logback-classic an {@code
 * osgi.serviceloader.registrar}; SPI Fly used to provide both. rsp wires SLF4J to logback without it (see {@link
 * LoggingStart}), so the fragment claims the two capabilities on their behalf, marked with {@value #CLAIM_ATTRIBUTE}
 * listing the bundles they are for. Another bundle that requires a ServiceLoader mediator must not resolve against a
 * claim that would do nothing for it: it stays unresolved with the framework's message naming the missing extender,
 * until a real one (SPI Fly with ASM in {@code bundle/boot}) is installed.
 */
final class ExtenderClaim implements ResolverHookFactory, ResolverHook {

    static final String CLAIM_ATTRIBUTE = "rsp.claim.for";

    private ExtenderClaim() {
    }

    /** Registers the hook on the framework's context after init, before anything resolves. */
    static void register(BundleContext system) {
        system.registerService(ResolverHookFactory.class, new ExtenderClaim(), null);
    }

    @Override
    public ResolverHook begin(Collection<BundleRevision> triggers) {
        return this;
    }

    @Override
    public void filterMatches(BundleRequirement requirement, Collection<BundleCapability> candidates) {
        if (!"osgi.extender".equals(requirement.getNamespace())) {
            return;
        }
        String requirer = requirement.getRevision().getSymbolicName();
        candidates.removeIf(c -> {
            Object forWhom = c.getAttributes().get(CLAIM_ATTRIBUTE);
            return forWhom != null && !claimedFor(forWhom).contains(requirer);
        });
    }

    /** The attribute is a list of symbolic names ({@code List<String>}) or one comma-separated string. */
    private static List<?> claimedFor(Object attribute) {
        return attribute instanceof List ? (List<?>) attribute : Arrays.asList(attribute.toString().split("\\s*,\\s*"));
    }

    @Override
    public void filterResolvable(Collection<BundleRevision> candidates) {
        // every bundle may resolve
    }

    @Override
    public void filterSingletonCollisions(BundleCapability singleton, Collection<BundleCapability> collisionCandidates) {
        // the framework's own rule
    }

    @Override
    public void end() {
        // nothing held between resolves
    }
}
