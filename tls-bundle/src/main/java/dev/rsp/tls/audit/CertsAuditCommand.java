package dev.rsp.tls.audit;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;
import org.osgi.service.component.annotations.Component;

/**
 * Gogo command {@code rsp:certs-audit [dir or files...] [options]}: the same audit as {@code bin/rsp certs audit},
 * by default of {@code ${rsp.home}/etc/certs}, the certificates rsp serves. Returns the text Gogo prints, ending with
 * the exit status the offline command would give. A {@link Function} rather than a method, because a Java method
 * cannot be named {@code certs-audit}. Runs on the shell's thread; reads files, never touches the network loops.
 */
@Component(service = Function.class, property = {"osgi.command.scope=rsp", "osgi.command.function=certs-audit"})
public final class CertsAuditCommand implements Function {

    @Override
    public Object execute(CommandSession session, List<Object> arguments) {
        List<String> args = arguments.stream().map(String::valueOf).toList();
        AuditCommand.Outcome o = AuditCommand.run(args, Optional.of(certsDir()), Instant.now());
        return o.out() + o.err() + "exit status " + o.exit() + System.lineSeparator();
    }

    static Path certsDir() {
        return Path.of(System.getProperty("rsp.home", "."), "etc", "certs");
    }
}
