package dev.rsp.tls.front;

import dev.rsp.spi.tls.CertificateInfo;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.IntSupplier;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;

/**
 * Gogo command {@code rsp:certs [filter] [limit]}: the certificates the TLS listener serves, from its index (nothing is
 * loaded to list them), as {@code /api/certificates} lists them: names, key type, expiry, source, file, whether loaded
 * now, next renewal and last error. {@code filter} keeps those with a name containing it; at most {@code limit}
 * (default {@value #DEFAULT_LIMIT}) lines. Runs on the shell's thread.
 */
public final class CertsCommand implements Function {

    static final int DEFAULT_LIMIT = 1_000;

    private final BiFunction<String, Integer, List<CertificateInfo>> list;
    private final IntSupplier count;

    CertsCommand(BiFunction<String, Integer, List<CertificateInfo>> list, IntSupplier count) {
        this.list = list;
        this.count = count;
    }

    @Override
    public Object execute(CommandSession session, List<Object> arguments) {
        List<String> args = arguments.stream().map(String::valueOf).toList();
        String filter = args.isEmpty() ? "" : args.get(0);
        int limit = DEFAULT_LIMIT;
        if (args.size() > 1) {
            try {
                limit = Integer.parseInt(args.get(1));
            } catch (NumberFormatException e) {
                return "usage: rsp:certs [name filter] [limit]" + System.lineSeparator();
            }
        }
        return render(list.apply(filter, limit), count.getAsInt(), filter);
    }

    static String render(List<CertificateInfo> certs, int total, String filter) {
        String nl = System.lineSeparator();
        StringBuilder out = new StringBuilder();
        out.append(total).append(" certificate(s) indexed");
        if (!filter.isEmpty()) {
            out.append(", ").append(certs.size()).append(" shown for '").append(filter).append('\'');
        }
        out.append(nl);
        for (CertificateInfo c : certs) {
            out.append(String.join(", ", c.names())).append(nl)
                    .append("    ").append(c.keyType()).append(", not after ").append(c.notAfter().truncatedTo(ChronoUnit.SECONDS))
                    .append(", ").append(c.source()).append(c.file().map(f -> " " + f).orElse(""))
                    .append(c.loaded() ? ", loaded" : ", not loaded")
                    .append(c.nextRenewal().map(r -> ", renewal " + r.truncatedTo(ChronoUnit.SECONDS)).orElse(""))
                    .append(c.lastError().map(e -> ", last error: " + e).orElse(""))
                    .append(nl).append("    issuer ").append(c.issuer()).append(nl);
        }
        return out.toString();
    }
}
