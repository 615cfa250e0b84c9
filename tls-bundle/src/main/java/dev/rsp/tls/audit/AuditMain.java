package dev.rsp.tls.audit;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code bin/rsp certs audit ...}: the offline certificate audit on a plain class path (no OSGi, no Bouncy Castle).
 * Exit status 0 nothing flagged, 1 something flagged, 2 usage error.
 */
public final class AuditMain {

    private AuditMain() {
    }

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (!args.isEmpty() && (args.get(0).equals("--help") || args.get(0).equals("-h"))) {
            out.print(AuditCommand.USAGE_TEXT);
            return AuditCommand.OK;
        }
        if (args.isEmpty() || !args.get(0).equals("audit")) {
            err.print("rsp certs: " + (args.isEmpty() ? "name a command" : "unknown command '" + args.get(0) + "'")
                    + "\n" + AuditCommand.USAGE_TEXT);
            return AuditCommand.USAGE;
        }
        AuditCommand.Outcome o = AuditCommand.run(args.subList(1, args.size()), Optional.empty(), Instant.now());
        out.print(o.out());
        out.flush();
        err.print(o.err());
        return o.exit();
    }
}
