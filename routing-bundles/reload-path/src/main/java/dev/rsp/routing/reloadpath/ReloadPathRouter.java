package dev.rsp.routing.reloadpath;

import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.RequestHead;
import dev.rsp.spi.routing.Router;
import java.util.regex.Matcher;

/**
 * Answers {@link Decision#rehost} with the domain named in a matching path, so that the next strategy in the chain
 * (host-hash) routes the request exactly as it routes that domain's own requests; {@link Decision#pass()} for every
 * other request. It never picks a backend itself, which is what makes it agree with host-hash by construction.
 *
 * <p>Immutable; {@link #select} runs concurrently on the network threads, takes no lock and allocates one
 * {@link Matcher} per request whose method the rule applies to.
 *
 * <p>Bounded work: the path is the request target up to the {@code ?}, already limited by the core's
 * {@code limits.request.line}; paths longer than {@link #MAX_PATH_LENGTH} pass without being matched whatever that
 * limit is. The pattern comes from the administrator's configuration, never from the network, and is compiled
 * before this router exists.
 */
final class ReloadPathRouter implements Router {

    /** Paths longer than this (the core's default request-line limit) are not matched. */
    static final int MAX_PATH_LENGTH = 8192;

    private final PathRule rule;

    ReloadPathRouter(PathRule rule) {
        this.rule = rule;
    }

    @Override
    public Decision select(RequestHead request) {
        String path = request.path();
        if (path.length() > MAX_PATH_LENGTH || !rule.appliesTo(request.method())) {
            return Decision.pass();
        }
        Matcher m = rule.pattern().matcher(path);
        if (!m.matches()) {
            return Decision.pass();
        }
        String domain = m.group(PathRule.DOMAIN_GROUP);
        return domain != null && DomainSegment.plausible(domain) ? Decision.rehost(domain) : Decision.pass();
    }

    /** The rule this router applies. */
    PathRule rule() {
        return rule;
    }

    @Override
    public String toString() {
        return "ReloadPathRouter[" + rule + "]";
    }
}
