package dev.rsp.core.admin;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code PUT /api/chain} and {@code rsp:chain} accept without being forced: a chain whose every name is served
 * by an installed strategy now. A name that is not (a typo, a bundle not deployed yet) is refused unless forced; a
 * forced chain is applied, and the core then logs the missing name at WARN until a strategy of that name appears.
 */
final class ChainNames {

    private ChainNames() {
    }

    /**
     * Empty when every name of {@code chain} is in {@code installed}; otherwise one line naming the first name that
     * is not, the installed names, and {@code howToForce}.
     */
    static Optional<String> refusal(List<String> chain, Set<String> installed, String howToForce) {
        return chain.stream().filter(n -> !installed.contains(n)).findFirst().map(n -> "no strategy '" + n
                + "' is installed (installed: " + (installed.isEmpty() ? "none" : String.join(", ", installed))
                + "); " + howToForce + " sets the chain anyway");
    }
}
