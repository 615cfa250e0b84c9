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
 * by default of the certificate directory the TLS listener serves from ({@code certs.dir} of {@code rsp.tls}, which
 * registers this command). Returns the text Gogo prints, ending with the exit status the offline command would give.
 * A {@link Function} rather than a method, because a Java method cannot be named {@code certs-audit}. Runs on the
 * shell's thread; reads files, never touches the network loops.
 */
public final class CertsAuditCommand implements Function {

    private final Supplier<Path> servedDir;
    private final java.util.function.Function<X509Certificate, Optional<String>> stapling;

    /** @param servedDir the directory audited when no file or directory is named: the one in force */
    public CertsAuditCommand(Supplier<Path> servedDir) {
        this(servedDir, leaf -> Optional.empty());
    }

    /**
     * @param stapling why a served leaf that names an OCSP responder goes out without a staple (flagged
     *                 {@link Flag#OCSP_NO_STAPLE}); empty when it is stapled or names none
     */
    public CertsAuditCommand(Supplier<Path> servedDir,
            java.util.function.Function<X509Certificate, Optional<String>> stapling) {
        this.servedDir = servedDir;
        this.stapling = stapling;
    }

    @Override
    public Object execute(CommandSession session, List<Object> arguments) {
        List<String> args = arguments.stream().map(String::valueOf).toList();
        AuditCommand.Outcome o = AuditCommand.run(args, Optional.of(servedDir.get()), Instant.now(), stapling);
        return o.out() + o.err() + "exit status " + o.exit() + System.lineSeparator();
    }

    /** {@code ${rsp.home}/etc/certs}: the default of {@code certs.dir}. */
    public static Path homeCertsDir() {
        return Path.of(System.getProperty("rsp.home", "."), "etc", "certs");
    }
}
