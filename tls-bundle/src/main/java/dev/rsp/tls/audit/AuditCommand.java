package dev.rsp.tls.audit;

import dev.rsp.tls.audit.CertificateRow.FileReport;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The {@code audit} command shared by {@code bin/rsp certs} ({@link AuditMain}) and the Gogo command: parses the
 * arguments, audits every file, and says what to print and which exit status to give. Works offline.
 */
final class AuditCommand {

    static final int OK = 0;
    static final int FLAGGED = 1;
    static final int USAGE = 2;

    static final String USAGE_TEXT = """
            Usage: rsp certs audit <dir or files...> [--format table|json|csv] [--trust <pem dir or file>]
                                   [--distrusted StartCom,WoSign] [--expires-soon-days 30] [--domain <name>]
            Audits certificate chains (PEM or DER files, leaf first) offline. Exit status: 0 nothing flagged,
            1 something flagged (or a file unreadable), 2 usage error.
            """;

    /** What to print and the exit status. */
    record Outcome(int exit, String out, String err) {
    }

    private AuditCommand() {
    }

    /**
     * @param args       the arguments after {@code audit}
     * @param defaultDir audited when no file or directory is given (the Gogo command's etc/certs); empty: required
     */
    static Outcome run(List<String> args, Optional<Path> defaultDir, Instant now) {
        return run(args, defaultDir, now, leaf -> Optional.empty());
    }

    /** As above, with the running listener's stapling state ({@link AuditPolicy#stapling}). */
    static Outcome run(List<String> args, Optional<Path> defaultDir, Instant now,
            java.util.function.Function<java.security.cert.X509Certificate, Optional<String>> stapling) {
        List<Path> paths = new ArrayList<>();
        ReportWriter format = ReportWriter.TABLE;
        Optional<String> trust = Optional.empty();
        Optional<String> domain = Optional.empty();
        List<String> distrusted = AuditPolicy.DEFAULT_DISTRUSTED;
        int soonDays = AuditPolicy.DEFAULT_EXPIRES_SOON_DAYS;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-h") || a.equals("--help")) {
                return new Outcome(OK, USAGE_TEXT, "");
            }
            if (!a.startsWith("--")) {
                paths.add(Path.of(a));
                continue;
            }
            if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                return usage(a + " needs a value");
            }
            String v = args.get(++i);
            switch (a) {
                case "--format" -> {
                    Optional<ReportWriter> w = ReportWriter.named(v);
                    if (w.isEmpty()) {
                        return usage("--format must be table, json or csv, not '" + v + "'");
                    }
                    format = w.get();
                }
                case "--trust" -> trust = Optional.of(v);
                case "--domain" -> domain = Optional.of(v);
                case "--distrusted" -> distrusted = Arrays.stream(v.split(",")).map(String::trim)
                        .filter(s -> !s.isEmpty()).toList();
                case "--expires-soon-days" -> {
                    try {
                        soonDays = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        soonDays = -1;
                    }
                    if (soonDays < 0 || soonDays > 3650) {
                        return usage("--expires-soon-days must be a number of days from 0 to 3650, not '" + v + "'");
                    }
                }
                default -> {
                    return usage("unknown option '" + a + "'");
                }
            }
        }
        if (paths.isEmpty()) {
            if (defaultDir.isEmpty()) {
                return usage("name at least one directory or file to audit");
            }
            if (!java.nio.file.Files.isDirectory(defaultDir.get())) {
                return new Outcome(OK, "", "no certificates to audit: " + defaultDir.get() + " does not exist\n");
            }
            paths.add(defaultDir.get());
        }
        TrustStore store;
        try {
            store = trust.isPresent() ? TrustStore.fromPem(Path.of(trust.get())) : TrustStore.jdkDefault();
        } catch (IOException | GeneralSecurityException e) {
            return usage("cannot load the trust store: " + e.getMessage());
        }
        Auditor auditor = new Auditor(new AuditPolicy(store, distrusted, soonDays, now, stapling));
        List<FileReport> reports = new ArrayList<>();
        for (AuditInputs.Input in : AuditInputs.expand(paths, domain)) {
            reports.add(auditor.audit(in.file(), in.domain()));
        }
        if (reports.isEmpty()) {
            return new Outcome(OK, format.write(reports), "no certificate files found in " + paths + "\n");
        }
        boolean flagged = reports.stream().anyMatch(r -> !r.flags().isEmpty());
        return new Outcome(flagged ? FLAGGED : OK, format.write(reports), "");
    }

    private static Outcome usage(String message) {
        return new Outcome(USAGE, "", "rsp certs audit: " + message + "\n" + USAGE_TEXT);
    }
}
