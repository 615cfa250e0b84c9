package dev.rsp.tls.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Turns the command's arguments into the files to audit, each with the domain it serves.
 *
 * <p>Files. A file named on the command line is audited whatever its name. A directory is searched (8 levels deep)
 * for {@code *.pem}, {@code *.crt}, {@code *.cer} and {@code *.der}, in name order, leaving out private keys
 * ({@code *key*.pem}) and, in a directory that holds a {@code fullchain.pem} (the Let's Encrypt layout),
 * {@code cert.pem} and {@code chain.pem}, which it repeats.
 *
 * <p>Domains. {@code --domain} applies to every file. Otherwise the file name without its extension when that is a
 * domain name ({@code example.com.pem}, {@code www.example.com.crt}), else the name of the directory holding the
 * file when that is one ({@code example.com/fullchain.pem}); else no domain, and names are not checked.
 */
final class AuditInputs {

    static final int MAX_DEPTH = 8;
    private static final Pattern EXTENSION = Pattern.compile("(?i)\\.(pem|crt|cer|der)$");
    private static final Pattern DOMAIN = Pattern.compile(
            "(?i)(\\*\\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?");

    /** One file to audit and the domain it serves, if known. */
    record Input(Path file, Optional<String> domain) {
    }

    private AuditInputs() {
    }

    static List<Input> expand(List<Path> arguments, Optional<String> domain) {
        List<Input> inputs = new ArrayList<>();
        for (Path arg : arguments) {
            if (Files.isDirectory(arg)) {
                for (Path f : filesUnder(arg)) {
                    inputs.add(new Input(f, domain.or(() -> domainOf(f))));
                }
            } else {
                inputs.add(new Input(arg, domain.or(() -> domainOf(arg))));
            }
        }
        return inputs;
    }

    static boolean isCertificateFileName(String name) {
        return EXTENSION.matcher(name).find();
    }

    static Optional<String> domainOf(Path file) {
        String name = EXTENSION.matcher(file.getFileName().toString()).replaceFirst("");
        if (DOMAIN.matcher(name).matches()) {
            return Optional.of(name);
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && parent.getFileName() != null && DOMAIN.matcher(parent.getFileName().toString()).matches()) {
            return Optional.of(parent.getFileName().toString());
        }
        return Optional.empty();
    }

    private static List<Path> filesUnder(Path dir) {
        try (Stream<Path> s = Files.walk(dir, MAX_DEPTH)) {
            return s.filter(Files::isRegularFile).filter(AuditInputs::audited).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            // An unreadable directory: audit it as a file, which reports why it cannot be read.
            return List.of(dir);
        }
    }

    private static boolean audited(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!isCertificateFileName(name) || name.contains("key")) {
            return false;
        }
        if ((name.equals("cert.pem") || name.equals("chain.pem")) && Files.exists(file.resolveSibling("fullchain.pem"))) {
            return false;
        }
        return true;
    }
}
