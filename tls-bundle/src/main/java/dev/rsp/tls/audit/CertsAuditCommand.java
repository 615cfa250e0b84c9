package dev.rsp.tls.audit;

import java.nio.file.Path;
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

    /** @param servedDir the directory audited when no file or directory is named: the one in force */
    public CertsAuditCommand(Supplier<Path> servedDir) {
        this.servedDir = servedDir;
    }

    @Override
    public Object execute(CommandSession session, List<Object> arguments) {
        List<String> args = arguments.stream().map(String::valueOf).toList();
        AuditCommand.Outcome o = AuditCommand.run(args, Optional.of(servedDir.get()), Instant.now());
        return o.out() + o.err() + "exit status " + o.exit() + System.lineSeparator();
    }

    /** {@code ${rsp.home}/etc/certs}: the default of {@code certs.dir}. */
    public static Path homeCertsDir() {
        return Path.of(System.getProperty("rsp.home", "."), "etc", "certs");
    }
}
