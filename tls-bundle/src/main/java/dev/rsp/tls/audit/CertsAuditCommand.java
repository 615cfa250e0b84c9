package dev.rsp.tls.audit;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;

/**
 * Gogo command {@code rsp:certs-audit [dir or files...] [options]}: the same audit as {@code bin/rsp certs audit},
 * by default of the chain files the TLS listener's index serves, whatever their layout (flat pairs, combined PEMs,
 * certbot's live/, the ACME storage; {@code rsp.tls} registers this command), else of its certificate directory. Returns the text Gogo prints, ending with the exit status the offline command would give.
 * A {@link Function} rather than a method, because a Java method cannot be named {@code certs-audit}. Runs on the
 * shell's thread; reads files, never touches the network loops.
 */
public final class CertsAuditCommand implements Function {

    private final Supplier<Path> servedDir;
    private final Supplier<List<Path>> servedFiles;
    private final java.util.function.Function<X509Certificate, Optional<String>> stapling;

    /** @param servedDir the directory audited when no file or directory is named: the one in force */
    public CertsAuditCommand(Supplier<Path> servedDir) {
        this(servedDir, List::of, leaf -> Optional.empty());
    }

    /**
     * @param stapling why a served leaf that names an OCSP responder goes out without a staple (flagged
     *                 {@link Flag#OCSP_NO_STAPLE}); empty when it is stapled or names none
     */
    public CertsAuditCommand(Supplier<Path> servedDir,
            java.util.function.Function<X509Certificate, Optional<String>> stapling) {
        this(servedDir, List::of, stapling);
    }

    /** @param servedFiles the chain files the listener's index serves: audited when no file or directory is named */
    public CertsAuditCommand(Supplier<Path> servedDir, Supplier<List<Path>> servedFiles,
            java.util.function.Function<X509Certificate, Optional<String>> stapling) {
        this.servedDir = servedDir;
        this.servedFiles = servedFiles;
        this.stapling = stapling;
    }

    @Override
    public Object execute(CommandSession session, List<Object> arguments) {
        List<String> args = new java.util.ArrayList<>(arguments.stream().map(String::valueOf).toList());
        if (!namesAPath(args)) {
            args.addAll(0, servedFiles.get().stream().map(Path::toString).toList());
        }
        AuditCommand.Outcome o = AuditCommand.run(args, Optional.of(servedDir.get()), Instant.now(), stapling);
        return o.out() + o.err() + "exit status " + o.exit() + System.lineSeparator();
    }

    /** Whether the arguments name a file or directory (every option but -h takes a value). */
    private static boolean namesAPath(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--")) {
                i++;
            } else if (!a.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    /** {@code ${rsp.home}/etc/certs}: the default of {@code certs.dir}. */
    public static Path homeCertsDir() {
        return Path.of(System.getProperty("rsp.home", "."), "etc", "certs");
    }
}
