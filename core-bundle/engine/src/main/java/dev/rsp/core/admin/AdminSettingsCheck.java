package dev.rsp.core.admin;

import java.util.Optional;

/** {@link AdminSettings}' verdict for {@code bin/rsp check}, which lives outside this package. */
public final class AdminSettingsCheck {

    private AdminSettingsCheck() {
    }

    /** Why the admin listener would refuse {@code listen} and {@code token}, or empty. */
    public static Optional<String> problem(String listen, String token) {
        return AdminSettings.from(listen, token) instanceof AdminSettings.Invalid invalid
                ? Optional.of(invalid.reason()) : Optional.empty();
    }
}
